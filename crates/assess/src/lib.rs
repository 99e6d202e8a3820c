//! Transaction assessment. This first part is the ownership roll-up of the OFAC 50 % rule, the
//! EU ownership-and-control rule and the BIS Affiliates rule, each as dated data
//! (`data/controls/ownership.json`); screening, determination and red flags join it in the
//! decision.
#![deny(missing_docs)]

pub mod ownership;
