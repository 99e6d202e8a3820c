//! The official list files shipped inside the binary (see data/lists/PROVENANCE.md), so a fresh
//! install works offline: the first run loads them. Older editions are included where the file
//! is dated, so point-in-time questions and diffs work out of the box.

/// One bundled file: its name, a list date to state when the file carries none, and its bytes.
pub struct Bundled {
    /// Path under data/lists.
    pub name: &'static str,
    /// List date from PROVENANCE.md for files without one inside.
    pub stated_date: Option<&'static str>,
    /// Raw (compressed) bytes.
    pub bytes: &'static [u8],
}

macro_rules! file {
    ($name:literal, $date:expr) => {
        Bundled {
            name: $name,
            stated_date: $date,
            bytes: include_bytes!(concat!("../../../data/lists/", $name)),
        }
    };
}

/// Bundled files, oldest editions first so each snapshot's delta is against its predecessor.
pub const FILES: &[Bundled] = &[
    file!("ofac/cons_advanced.xml.gz", None),
    file!("ofac/consolidated.xml.gz", None),
    file!("ofac/CONS_ENHANCED.ZIP", None),
    file!("ofac/sdn.xml.gz", None),
    // The CSL CSV carries no date; PROVENANCE.md dates this copy to 2022-05-16.
    file!("csl/consolidated.csv.gz", Some("2022-05-16")),
    file!("bis/dpl.txt.gz", None),
    file!("eu/20240513-FULL-1_1(xsd).xml.gz", None),
    file!("un/consolidated_2024-05-15.xml.gz", None),
    file!("un/consolidated.xml.gz", None),
    file!("uk/ConList_2018-04-13.csv.gz", None),
    file!("uk/ConList_2025-04-14.xlsx", None),
];
