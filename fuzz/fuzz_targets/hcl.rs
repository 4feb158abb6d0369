//! Fuzz target: one `.tf` file through parsing, evaluation, the model adapter and every rule.
#![no_main]

use kmslint::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Files that are not UTF-8 are rejected when read, before parsing: nothing to exercise here.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    kmslint::check_sources(vec![("main.tf".into(), text.into())], &Settings::default());
});
