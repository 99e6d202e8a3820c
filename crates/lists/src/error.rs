//! One error type for every parser: it names the file, the place in it and the record.

use std::fmt;

/// Where in a file an error was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// 0-based byte offset in the (decompressed) file, when known.
    pub byte: Option<u64>,
}

/// A parse or validation error in an input file. Nothing is imported when one is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file as the user named it (with `!member` for a file inside an archive).
    pub file: String,
    /// Line and byte offset.
    pub location: Location,
    /// The record being read (e.g. `sdnEntry uid=36`, `row 12`), when known.
    pub record: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ParseError {
    /// An error about the file as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            file: file.to_string(),
            location: Location::default(),
            record: None,
            message: message.into(),
        }
    }

    /// An error at a line.
    pub fn at_line(
        file: &str,
        line: u64,
        record: Option<String>,
        message: impl Into<String>,
    ) -> ParseError {
        ParseError {
            file: file.to_string(),
            location: Location {
                line: Some(line),
                byte: None,
            },
            record,
            message: message.into(),
        }
    }

    /// An error at a byte offset of `text`; the line is computed from it.
    pub fn at_byte(
        file: &str,
        text: &[u8],
        byte: u64,
        record: Option<String>,
        message: impl Into<String>,
    ) -> ParseError {
        let end = (byte as usize).min(text.len());
        let line = text[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        ParseError {
            file: file.to_string(),
            location: Location {
                line: Some(line),
                byte: Some(byte),
            },
            record,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.location.line {
            write!(f, ":{l}")?;
        }
        if let Some(b) = self.location.byte {
            write!(f, " (byte {b})")?;
        }
        if let Some(r) = &self.record {
            write!(f, ", record {r}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// Result alias for parsers.
pub type Result<T> = std::result::Result<T, ParseError>;
