//! Transaction assessment: one decision per transaction from the screening of every party,
//! ownership roll-ups (OFAC 50 % rule, EU ownership or control, BIS Affiliates rule — dated
//! data in `data/controls/ownership.json`), the licence determination of every line, and the
//! red-flag rules of `data/controls/red-flags.json`, with a risk score whose every
//! contribution is listed.
#![deny(missing_docs)]

pub mod decide;
pub mod mains;
pub mod ownership;
pub mod reference;
pub mod transaction;

pub use decide::{assess, assess_with, Decision, Node, Outcome, ScreenHit, Screener};
pub use ownership::Error;
pub use reference::Reference;
pub use transaction::Transaction;
