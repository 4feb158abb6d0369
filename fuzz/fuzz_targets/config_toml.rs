//! Fuzz target: a `kmslint.toml` through parsing and resolution into settings.
#![no_main]

use std::path::Path;

use kmslint::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(options) =
        kmslint::config::file::parse(text, Path::new("kmslint.toml"), "kmslint.toml")
    {
        let _ = Settings::resolve(options);
    }
});
