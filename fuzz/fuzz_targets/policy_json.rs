//! Fuzz target: a key policy document in a heredoc, so the JSON policy reader and the policy
//! rules see the input rather than the HCL parser.
#![no_main]

use kmslint::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A line equal to the delimiter would end the heredoc early and turn the rest into HCL, which
    // the `hcl` target covers already.
    if text.lines().any(|l| l.trim() == "EOT") {
        return;
    }
    let tf = format!("resource \"aws_kms_key\" \"k\" {{\n policy = <<EOT\n{text}\nEOT\n}}");
    kmslint::check_sources(vec![("main.tf".into(), tf)], &Settings::default());
});
