//! Reading Terraform: HCL parsing and evaluation of the expressions the rules need.

pub mod eval;
pub mod hcl;
pub mod json;
pub mod layout;
pub mod module;
pub mod plan;
pub mod terragrunt;
pub mod tfjson;
pub mod vars;
