//! Fuzz target: a `terraform show -json` plan through detection, the streaming parser, the plan
//! adapter and every rule.
#![no_main]

use kmslint::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A `.json` name is what makes `check_sources` treat the text as a plan.
    kmslint::check_sources(
        vec![("plan.json".into(), text.into())],
        &Settings::default(),
    );
});
