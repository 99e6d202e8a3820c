//! The process allocator. A binary that uses this crate (the command line, which also serves
//! HTTP, and the screening benchmark) has mimalloc as its allocator: a screening allocates its
//! explanation strings and a few dozen small vectors, and with the system allocator that was a
//! tenth of the time of a query (see BENCHMARKS.md, session 16).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same number in its v2 and v3): how long freed
/// memory is kept before it goes back to the system.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Call first thing in `main`. Memory freed is returned to the system at once instead of after
/// mimalloc's default delay (a second): building the screening index frees a few tens of megabytes of
/// temporaries, which otherwise stay resident beside the index.
pub fn tune() {
    // SAFETY: sets a documented mimalloc option; any value is valid for it.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_is_mimalloc_s_option_and_is_set() {
        // mimalloc v3's default delay (src/options.c): a wrong option number reads another
        // option, and setting it would leave the delay as it was.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) },
            1000
        );
        super::tune();
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) },
            0
        );
    }
}
