//! The process allocator. A binary that uses this crate (the command line, which also serves
//! HTTP, and the screening benchmark) has mimalloc as its allocator: a screening allocates its
//! explanation strings and a few dozen small vectors, and with the system allocator that was a
//! tenth of the time of a query (see BENCHMARKS.md, session 16).

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same number in its v2 and v3): how long freed
/// memory is kept before it goes back to the system.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Call first thing in `main`. Freed memory goes back to the system after 10 ms instead of
/// mimalloc v3's second: building the screening index frees some tens of megabytes of
/// temporaries, which otherwise stay resident beside the index (305 MB after the build
/// instead of 270). At once (0 ms) made a batch screening of 3,000 names 60 % slower: loading
/// the lists frees and allocates again and again.
pub fn tune() {
    // SAFETY: sets a documented mimalloc option; any value is valid for it.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) };
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
            10
        );
    }
}
