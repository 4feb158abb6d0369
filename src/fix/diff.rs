//! The unified diff `--diff` prints: what `--fix` would write, with `a/` and `b/` paths.

use crate::report::escape;

/// A unified diff of one file (three lines of context). Text from the scanned tree is escaped
/// as in every report, line ends excepted, so the diff cannot drive a terminal.
pub fn unified(display: &str, old: &str, new: &str) -> String {
    let path = escape::text(display);
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&hunk.to_string());
    }
    match escape::source(&out) {
        Some((escaped, _)) => escaped,
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn paths_get_prefixes_and_controls_are_escaped() {
        let d = unified("m/\u{1b}a.tf", "a = 1\nb = 2\n", "a = 1\nb = 3\n");
        assert!(d.starts_with("--- a/m/\\u{1b}a.tf\n+++ b/m/\\u{1b}a.tf\n@@ -1,2 +1,2 @@\n"));
        assert!(d.contains("-b = 2\n+b = 3\n"), "{d}");
        let d = unified(
            "x.tf",
            "s = \"\u{1b}[31m\"\nb = 2\n",
            "s = \"\u{1b}[31m\"\nb = 3\n",
        );
        assert!(!d.contains('\u{1b}'), "{d}");
    }
}
