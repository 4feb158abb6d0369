//! Baselines: the findings a team has accepted for now, so that only new ones are reported.
//!
//! `--write-baseline FILE` records a fingerprint per finding; `--baseline FILE` drops the findings
//! whose fingerprint is recorded. A fingerprint must survive edits that do not change the
//! problem (lines added above, the file reformatted, the block moved to another file of the same
//! module) and must change when the problem does (another value, another resource, another
//! rule). So it hashes what the finding says, not where it is: the rule id, the directory of the
//! module (relative to the repository root), the resource address within its module and the
//! message with the address taken out (the message names the offending value). docs/baseline.md
//! is the user's description of the same.

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::finding::Finding;
use crate::source::SourceMap;

/// The version of the fingerprint recipe and of the file format; a change to either is a new
/// version, so an old baseline is refused instead of silently matching nothing.
const VERSION: u64 = 1;

/// The stable identity of a finding, as 64 lowercase hex digits.
///
/// It is the same however kmslint is called (`kmslint .`, `kmslint main.tf`, from a
/// subdirectory): the address is the resource's within its module, without the calls that led
/// there, and the module's directory is relative to the repository root.
pub fn fingerprint(f: &Finding, sources: &SourceMap) -> String {
    let local = local_address(&f.resource);
    let calls = &f.resource[..f.resource.len() - local.len()];
    let message = crate::finding::without_instance_count(&f.message);
    let mut gist = if f.resource.is_empty() {
        message.to_string()
    } else {
        message.replace(&f.resource, "")
    };
    if !calls.is_empty() {
        gist = gist.replace(calls, "");
    }
    let recipe = format!(
        "kmslint-baseline-v{VERSION}\n{}\n{}\n{local}\n{gist}",
        f.rule.id,
        module_dir(f, sources),
    );
    hex(&sha256(recipe.as_bytes()))
}

/// `aws_kms_key.k` of `module.a["x"].module.b.aws_kms_key.k`: the address within the module.
fn local_address(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        // The call's name, then its instance key (`["a.b"]`, `[0]`), which may hold dots.
        let name_end = after.find(['.', '[']).unwrap_or(after.len());
        let mut i = name_end;
        if after[i..].starts_with('[') {
            let mut quoted = false;
            let mut escaped = false;
            let mut end = None;
            for (j, c) in after[i..].char_indices() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' if quoted => escaped = true,
                    '"' => quoted = !quoted,
                    ']' if !quoted => {
                        end = Some(i + j + 1);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(end) = end else { return rest };
            i = end;
        }
        match after[i..].strip_prefix('.') {
            Some(inner) if !inner.is_empty() => rest = inner,
            _ => return rest,
        }
    }
    rest
}

/// The directory of the module the finding is about, relative to the root of the git
/// repository holding it (as kmslint shows paths, relative to the working directory, outside
/// one). Two root modules often declare the same address (`aws_kms_key.main` in `envs/dev` and
/// `envs/prod`): the directory keeps a finding accepted in one from hiding the same problem
/// appearing in the other.
fn module_dir(f: &Finding, sources: &SourceMap) -> String {
    let loc = f.block.as_ref().unwrap_or(&f.primary);
    if let Some(dir) = sources
        .get(loc.file)
        .and_then(|file| in_repository(&file.path))
    {
        return dir;
    }
    let path = sources.display(loc.file);
    path.rsplit_once('/')
        .map_or(".", |(dir, _)| dir)
        .to_string()
}

/// The directory of `file` relative to the git work tree holding it, `/`-separated.
fn in_repository(file: &std::path::Path) -> Option<String> {
    let absolute = if file.is_absolute() {
        crate::files::normalize(file)
    } else {
        crate::files::normalize(&std::env::current_dir().ok()?.join(file))
    };
    let dir = absolute.parent()?;
    let root = crate::files::work_tree(dir)?;
    let relative = dir.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// The file a finding is shown in: the resource block's when known, else the primary's.
fn display_path<'a>(f: &Finding, sources: &'a SourceMap) -> &'a str {
    sources.display(f.block.as_ref().unwrap_or(&f.primary).file)
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u64,
    fingerprints: Vec<Entry>,
}

/// One accepted finding. Only `fingerprint` is read back; the rest is there for reviewers.
#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    #[serde(default)]
    path: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    resource: String,
    fingerprint: String,
}

/// Writes a baseline of the findings: a JSON document sorted by path, rule, resource.
pub fn write(findings: &[Finding], sources: &SourceMap, out: &mut dyn Write) -> io::Result<()> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .map(|f| Entry {
            path: display_path(f, sources).to_string(),
            rule: f.rule.id.to_string(),
            resource: f.resource.clone(),
            fingerprint: fingerprint(f, sources),
        })
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let document = Document {
        version: VERSION,
        fingerprints: entries,
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Baselines larger than this are refused: one fingerprint is under 100 bytes, so the cap holds
/// over a million findings, and `--baseline /dev/zero` fails at once instead of filling memory.
pub const MAX_BASELINE_SIZE: u64 = 128 << 20;

/// Reads the baseline file at `path` (a regular file of at most [`MAX_BASELINE_SIZE`] bytes).
pub fn read_file(path: &std::path::Path) -> Result<BTreeSet<String>, String> {
    let bytes = crate::files::read_regular(path, MAX_BASELINE_SIZE).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    read(&text)
}

/// Reads a baseline written by [`write()`]: the fingerprints it holds.
pub fn read(text: &str) -> Result<BTreeSet<String>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let document: Document = serde_json::from_str(text).map_err(|e| {
        format!(
            "not a kmslint baseline: {e} (expected {{\"version\": {VERSION}, \"fingerprints\": [...]}}, as `--write-baseline` writes)"
        )
    })?;
    if document.version != VERSION {
        return Err(format!(
            "baseline version {} is not supported (this kmslint writes and reads version {VERSION}); write it again with `--write-baseline`",
            document.version
        ));
    }
    let mut known = BTreeSet::new();
    for (i, entry) in document.fingerprints.into_iter().enumerate() {
        let valid = entry.fingerprint.len() == 64
            && entry
                .fingerprint
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            return Err(format!(
                "baseline entry {} has fingerprint `{}`: expected 64 lowercase hexadecimal digits",
                i + 1,
                entry.fingerprint
            ));
        }
        known.insert(entry.fingerprint);
    }
    Ok(known)
}

/// Keeps the findings whose fingerprint is not in the baseline.
pub fn filter(
    findings: Vec<Finding>,
    sources: &SourceMap,
    known: &BTreeSet<String>,
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| !known.contains(&fingerprint(f, sources)))
        .collect()
}

/// The hex SHA-256 of `text`: an identifier that stays the same from run to run, for reports
/// that need one for something that is not a finding.
pub(crate) fn digest(text: &str) -> String {
    hex(&sha256(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// SHA-256 (FIPS 180-4). Fingerprints need a stable, well-known hash, and a few dozen lines
/// spare the project a dependency for it.
fn sha256(data: &[u8]) -> [u8; 32] {
    // The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    // The first 32 bits of the fractional parts of the square roots of the first 8 primes.
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    // Padding: a 1 bit, zeros up to 56 bytes mod 64, then the length in bits, big-endian.
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(h) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn sha256_matches_the_standard_test_vectors() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        // Exactly one block of padding after a 64-byte message.
        assert_eq!(
            hex(&sha256(&[b'a'; 64])),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"
        );
    }

    /// Every rule but KMS021, which would report each key of these few-resource examples as unused.
    fn without_key_unused() -> Settings {
        Settings::resolve(crate::config::Options {
            ignore: Some(vec!["KMS021".to_string()]),
            ..crate::config::Options::default()
        })
        .unwrap()
    }

    fn scan(files: &[(&str, &str)]) -> crate::Outcome {
        crate::check_sources(
            files
                .iter()
                .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
                .collect(),
            &without_key_unused(),
        )
    }

    /// (rule, fingerprint) per finding, sorted.
    fn prints(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let outcome = scan(files);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        let mut prints: Vec<(String, String)> = outcome
            .findings
            .iter()
            .map(|f| (f.rule.id.to_string(), fingerprint(f, &outcome.sources)))
            .collect();
        prints.sort();
        prints
    }

    const KEY: &str = "resource \"aws_kms_key\" \"app\" {\n  enable_key_rotation = false\n  multi_region        = true\n}\n";

    #[test]
    fn fingerprints_survive_line_moves_and_reformatting() {
        let before = prints(&[("main.tf", KEY)]);
        let rules: Vec<&str> = before.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(rules, ["KMS002", "KMS012", "KMS017"]);
        let moved = format!("\n\n# a comment\n\nlocals {{\n  x = 1\n}}\n\n{KEY}");
        assert_eq!(prints(&[("main.tf", &moved)]), before);
        let reformatted = "resource   \"aws_kms_key\"   \"app\"   {\n\n    multi_region = true\n\n    enable_key_rotation=false\n}\n";
        assert_eq!(prints(&[("main.tf", reformatted)]), before);
        // Another file of the same module.
        assert_eq!(prints(&[("keys.tf", KEY)]), before);
    }

    #[test]
    fn fingerprints_change_with_the_problem() {
        let before = prints(&[("main.tf", KEY)]);
        let renamed = KEY.replace("\"app\"", "\"other\"");
        let after = prints(&[("main.tf", &renamed)]);
        assert_ne!(after, before);
        // Another offending value: the rotation period instead of rotation off.
        let period = KEY.replace(
            "enable_key_rotation = false",
            "enable_key_rotation = true\n  rotation_period_in_days = 2000",
        );
        let after = prints(&[("main.tf", &period)]);
        let rotation = |v: &[(String, String)]| {
            v.iter()
                .find(|(r, _)| r == "KMS002")
                .map(|(_, p)| p.clone())
        };
        assert_ne!(rotation(&after), rotation(&before));
        let period_2500 = period.replace("2000", "2500");
        assert_ne!(
            rotation(&prints(&[("main.tf", &period_2500)])),
            rotation(&after)
        );
        // The same resource in another module directory is another finding.
        assert_ne!(prints(&[("envs/prod/main.tf", KEY)]), before);
    }

    #[test]
    fn write_read_filter_round_trip() {
        let outcome = scan(&[("main.tf", KEY)]);
        let mut out = Vec::new();
        write(&outcome.findings, &outcome.sources, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["version"], 1);
        let entries = doc["fingerprints"].as_array().unwrap();
        let rules: Vec<&str> = entries
            .iter()
            .map(|e| e["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["KMS002", "KMS012", "KMS017"]);
        assert_eq!(entries[0]["path"], "main.tf");
        assert_eq!(entries[0]["resource"], "aws_kms_key.app");
        assert_eq!(entries[0]["fingerprint"].as_str().unwrap().len(), 64);
        let known = read(&text).unwrap();
        assert_eq!(known.len(), 3);
        assert!(filter(outcome.findings.clone(), &outcome.sources, &known).is_empty());
        // A new finding is kept.
        let more = format!(
            "{KEY}resource \"aws_kms_key\" \"new\" {{\n  enable_key_rotation = false\n}}\n"
        );
        let outcome = scan(&[("main.tf", &more)]);
        let kept = filter(outcome.findings, &outcome.sources, &known);
        assert!(kept.len() == 2 && kept.iter().all(|f| f.resource == "aws_kms_key.new"));
    }

    #[test]
    fn the_checked_in_example_reads() {
        let text = include_str!("../testdata/baseline/baseline.json");
        let known = read(text).unwrap();
        let outcome = scan(&[("main.tf", include_str!("../testdata/baseline/main.tf"))]);
        assert!(!outcome.findings.is_empty());
        assert!(filter(outcome.findings, &outcome.sources, &known).is_empty());
    }

    #[test]
    fn bad_baselines_are_refused() {
        assert!(read("").unwrap_err().starts_with("not a kmslint baseline"));
        assert!(
            read("[]")
                .unwrap_err()
                .starts_with("not a kmslint baseline")
        );
        let v2 = r#"{"version": 2, "fingerprints": []}"#;
        assert!(read(v2).unwrap_err().contains("version 2"));
        let short = r#"{"version": 1, "fingerprints": [{"fingerprint": "abc"}]}"#;
        assert!(read(short).unwrap_err().contains("entry 1"));
        let ok = format!(
            "\u{feff}{{\"version\": 1, \"fingerprints\": [{{\"fingerprint\": \"{}\"}}]}}",
            "0".repeat(64)
        );
        assert_eq!(read(&ok).unwrap().len(), 1);
    }
}
