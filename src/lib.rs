//! kmslint: a static analyzer for AWS KMS configuration in Terraform.
//!
//! The pipeline, one module per arrow:
//!
//! ```text
//! discover ─► parse ─► evaluate ─► adapt ─► Inventory ─► rules ─► sort ─► report
//! discover.rs  terraform/hcl.rs  terraform/eval  model/from_hcl.rs  model  rules/  finding.rs  report/
//! ```
//!
//! Root modules (directories, each with the plans beside it) are read, parsed, adapted and
//! checked by the unit rules in parallel; each syntax tree and each policy is dropped as soon as
//! its unit is checked, and only what scan-wide rules read is kept (`rules::Scope`). The library
//! never prints: reports are written to a `&mut dyn Write` chosen by the caller.

pub mod baseline;
pub mod config;
pub mod deps;
pub mod diagnostic;
pub mod discover;
pub mod explain;
pub mod files;
pub mod finding;
pub mod fix;
#[cfg(test)]
mod fixtures;
pub mod map;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod terraform;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use config::{FailLevel, Options, Settings};
pub use diagnostic::InputError;
use files::Files;
pub use finding::Finding;
use model::Inventory;
use model::from_hcl;
use source::SourceMap;

/// Everything a run produced: the sources (for rendering), findings and input errors, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    /// Findings silenced by a suppression comment or a baseline, each with its `suppressed` set.
    pub suppressed: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub stats: Stats,
}

/// Counts for summaries and benchmarks.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Stats {
    pub modules: usize,
    pub files: usize,
    pub bytes: u64,
}

impl Outcome {
    /// Exit status as specified: 2 when an input could not be analysed, 1 when a finding is at or
    /// above the fail level, 0 otherwise.
    pub fn exit_code(&self, fail_level: FailLevel) -> u8 {
        if self.errors.iter().any(|e| e.level() == rules::Level::Error) {
            2
        } else if self.findings.iter().any(|f| fail_level.fails(f.level)) {
            1
        } else {
            0
        }
    }
}

/// Analyses the given files and directories. `base` is the directory paths are shown relative
/// to. Files outside the git repository of each given path (or outside the path itself when it is
/// in none) are never read, whatever a module source or `file()` names.
///
/// Findings about resources are reported for the given paths only; scan-wide rules (tiers,
/// required aliases) judge the whole project of each path ([`scan_scopes`]), which is read for
/// them when they are configured and the paths are not the projects themselves (a pre-commit
/// hook passes the staged files).
pub fn check(paths: &[PathBuf], base: &Path, settings: &Settings) -> Outcome {
    run(paths, base, settings, None).0
}

/// One analysed unit of a scan (a module directory with the plans beside it), for the key
/// access map, which reads every key, policy and encrypting resource (`check` drops them unit by
/// unit) and reuses the map of a unit none of whose files changed.
#[derive(Debug)]
pub struct UnitScan {
    /// Its directory (absolute).
    pub dir: PathBuf,
    /// The directories of the modules it calls, directly or not (absolute).
    pub reached: std::collections::BTreeSet<PathBuf>,
    /// What else its analysis read (absolute paths).
    pub deps: deps::Deps,
    /// Its whole inventory, configured then planned, when its keys are the scan's: a root
    /// module, or a module whose keys none of its callers create.
    pub inventory: Option<Inventory>,
    /// Whether the inventory is kept though the unit is called (the second case above).
    pub called: bool,
    /// The key blocks the inventory creates (the path the file was read by, and the offset),
    /// when it is kept.
    pub created: Vec<(PathBuf, usize)>,
}

/// What units outside a run do to the units in it ([`check_units`]).
#[derive(Debug, Default)]
pub struct Elsewhere {
    /// Directories that modules outside the run call (absolute): they are not roots.
    pub called: std::collections::BTreeSet<PathBuf>,
    /// Key blocks that units outside the run create (absolute path of the file, and offset):
    /// a called module whose keys are created there is not kept for them.
    pub created: std::collections::BTreeSet<(PathBuf, usize)>,
}

/// [`check`], also giving every unit of the given paths ([`UnitScan`]), as part of a scan
/// whose other units do what `elsewhere` says.
pub fn check_units(
    paths: &[PathBuf],
    base: &Path,
    settings: &Settings,
    elsewhere: &Elsewhere,
) -> (Outcome, Vec<UnitScan>) {
    run(paths, base, settings, Some(elsewhere))
}

/// `units_of`: whether to keep every unit's inventory, with what units outside the run do.
fn run(
    paths: &[PathBuf],
    base: &Path,
    settings: &Settings,
    units_of: Option<&Elsewhere>,
) -> (Outcome, Vec<UnitScan>) {
    let full = units_of.is_some();
    let boundaries = files::repositories(paths, base);
    let found = discover::discover(paths, base, settings.exclude.as_ref(), &boundaries);
    // Files the user named are read where they are; only the scanned tree is confined.
    let new_files = || {
        let mut files = Files::new(base, &boundaries, settings.max_file_size);
        files.trust(
            settings
                .var_inputs
                .files
                .iter()
                .cloned()
                .chain(settings.tiers.iter().map(|t| t.at.path.clone()))
                .chain(
                    settings
                        .required_aliases
                        .iter()
                        .map(|(_, at)| at.path.clone()),
                ),
        );
        files
    };
    let files = new_files();
    let cache = from_hcl::ModuleCache::default();
    let given = units(found.modules, found.plans);
    let scopes = if rules::scan_rules_active(settings) {
        scan_scopes(paths, base, settings)
    } else {
        Vec::new()
    };
    let whole = paths.iter().all(|p| scopes.contains(&absolute(base, p)));
    let context = if !scopes.is_empty() && !whole {
        let dirs: Vec<PathBuf> = given.iter().map(|u| absolute(base, &u.dir)).collect();
        let more = discover::discover(&scopes, base, settings.exclude.as_ref(), &boundaries);
        units(more.modules, more.plans)
            .into_iter()
            .filter(|u| !dirs.contains(&absolute(base, &u.dir)))
            .collect()
    } else {
        Vec::new()
    };
    // The end of the run (sorting, suppressions) is parallel too, in the same pool.
    in_pool(|| {
        let analysed = analyse_units(&files, &cache, base, settings, &given, full);
        // The rest of the repository is read apart (its own files and ids): only its inventory
        // for the scan-wide rules is kept, not its findings, errors or sources.
        let context = if context.is_empty() {
            Vec::new()
        } else {
            let files = new_files();
            let cache = from_hcl::ModuleCache::default();
            analyse_units(&files, &cache, base, settings, &context, false)
                .into_iter()
                .map(|a| Analysed {
                    findings: Vec::new(),
                    errors: Vec::new(),
                    full: None,
                    ..a
                })
                .collect()
        };
        finish(files, analysed, context, found.errors, settings, units_of)
    })
}

/// What scan-wide rules judge for each path: the project of the configuration file that sets
/// them up (its directory) when the path is in it, else the path's repository. A monorepo's
/// projects, each with its own `kmslint.toml`, are judged apart.
fn scan_scopes(paths: &[PathBuf], base: &Path, settings: &Settings) -> Vec<PathBuf> {
    let projects: Vec<PathBuf> = settings
        .tiers
        .iter()
        .map(|t| &t.at.path)
        .chain(settings.required_aliases.iter().map(|(_, at)| &at.path))
        .filter_map(|p| absolute(base, p).parent().map(Path::to_path_buf))
        .collect();
    let mut scopes: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let dir = directory(base, p);
            projects
                .iter()
                .filter(|project| dir.starts_with(project))
                .max_by_key(|project| project.components().count())
                .cloned()
                .unwrap_or_else(|| repository(&dir))
        })
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// The directory a path names: itself, or the directory of a file.
fn directory(base: &Path, path: &Path) -> PathBuf {
    let p = absolute(base, path);
    if p.is_file() {
        p.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        p
    }
}

fn repository(dir: &Path) -> PathBuf {
    files::work_tree(dir).unwrap_or(dir).to_path_buf()
}

fn absolute(base: &Path, path: &Path) -> PathBuf {
    files::normalize(&base.join(path))
}

fn analyse_units(
    files: &Files,
    cache: &from_hcl::ModuleCache,
    base: &Path,
    settings: &Settings,
    units: &[Unit],
    full: bool,
) -> Vec<Analysed> {
    units
        .par_iter()
        .map(|unit| {
            let sources = unit
                .module
                .iter()
                .flat_map(|m| &m.files)
                .filter_map(|f| files.load(&f.path))
                .collect();
            let plans = unit
                .plans
                .iter()
                .filter_map(|(path, explicit)| load_plan(files, path, *explicit, settings))
                .collect();
            let mut analysed = guarded(base, &unit.dir, || {
                analyse_unit(files, cache, settings, &unit.dir, sources, plans, full)
            });
            analysed.dir = absolute(base, &unit.dir);
            analysed.reached = std::mem::take(&mut analysed.reached)
                .into_iter()
                .map(|d| absolute(base, &d))
                .collect();
            for set in [&mut analysed.deps.files, &mut analysed.deps.trees] {
                *set = std::mem::take(set)
                    .into_iter()
                    .map(|f| absolute(base, &f))
                    .collect();
            }
            analysed
        })
        .collect()
}

/// One root module directory with the plans beside it (either may be absent): plans describe
/// the addresses of the configuration in their directory, so both are analysed together.
struct Unit {
    dir: PathBuf,
    module: Option<discover::Module>,
    plans: Vec<(PathBuf, bool)>,
}

fn units(modules: Vec<discover::Module>, plans: Vec<(PathBuf, bool)>) -> Vec<Unit> {
    let mut units: Vec<Unit> = modules
        .into_iter()
        .map(|m| Unit {
            dir: m.dir.clone(),
            module: Some(m),
            plans: Vec::new(),
        })
        .collect();
    let mut by_root: std::collections::HashMap<String, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (from_hcl::root_name(&u.dir), i))
        .collect();
    for (path, explicit) in plans {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let i = *by_root.entry(from_hcl::root_name(&dir)).or_insert_with(|| {
            units.push(Unit {
                dir,
                module: None,
                plans: Vec::new(),
            });
            units.len() - 1
        });
        if let Some(unit) = units.get_mut(i) {
            unit.plans.push((path, explicit));
        }
    }
    units
}

/// Runs the analysis of the unit in `dir`; a panic in it (a bug) becomes an internal error on
/// that unit, so every other unit is still analysed and reported.
fn guarded(base: &Path, dir: &Path, analyse: impl FnOnce() -> Analysed) -> Analysed {
    // The unit's state is dropped with the panic; what the other units share (the file
    // registry, the module cache) is behind mutexes that recover from poisoning.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        #[cfg(test)]
        tests::inject_fault(dir);
        analyse()
    }));
    outcome.unwrap_or_else(|payload| {
        let what =
            diagnostic::panic_message(&*payload).unwrap_or_else(|| "unknown cause".to_string());
        let shown = source::display_path(dir, base);
        Analysed {
            findings: Vec::new(),
            inventory: Inventory::default(),
            dir: dir.to_path_buf(),
            reached: Default::default(),
            // Whatever it read, it is read again next time.
            deps: deps::Deps {
                opaque: true,
                ..Default::default()
            },
            errors: vec![InputError::whole(
                diagnostic::InputErrorKind::Internal,
                shown.clone(),
                format!(
                    "the analysis of `{shown}` stopped: {}; this is a kmslint bug (please report it); the other directories were analysed",
                    what.escape_debug()
                ),
            )],
            var_names: None,
            full: None,
        }
    })
}

/// What one unit leaves for the end of the run.
struct Analysed {
    findings: Vec<Finding>,
    /// [`Inventory::for_scan_rules`] of the unit's inventories.
    inventory: Inventory,
    errors: Vec<InputError>,
    /// The unit's root module variables when `--var` is given; `None` otherwise, and without a
    /// module.
    var_names: Option<Vec<String>>,
    /// The unit's directory (absolute once analysed).
    dir: PathBuf,
    /// The directories of the modules the unit calls, directly or not.
    reached: std::collections::BTreeSet<PathBuf>,
    /// What else its analysis read.
    deps: deps::Deps,
    /// The unit's whole inventory, configured then planned, when asked for.
    full: Option<Inventory>,
}

/// A plan file read into the registry; `explicit` when named on the command line.
type PlanFile = (source::FileId, std::sync::Arc<source::SourceFile>, bool);

/// Analyses one root module (its `sources`, possibly none) and the plans in its directory, and
/// runs the unit rules on each.
fn analyse_unit(
    files: &Files,
    cache: &from_hcl::ModuleCache,
    settings: &Settings,
    dir: &Path,
    sources: Vec<(source::FileId, std::sync::Arc<source::SourceFile>)>,
    plans: Vec<PlanFile>,
    full: bool,
) -> Analysed {
    // `--var` applies to every root: whether one declares each name is judged over the scan.
    let (mut configured, mut errors, reached, deps, var_names) = if sources.is_empty() {
        (
            Inventory::default(),
            Vec::new(),
            Default::default(),
            Default::default(),
            None,
        )
    } else {
        let root = from_hcl::analyse_root_reaching(
            files,
            cache,
            &settings.var_inputs,
            settings.max_instances,
            dir,
            sources,
        );
        // Kept only when there is a `--var` to judge.
        let names = (!settings.var_inputs.vars.is_empty()).then_some(root.variables);
        (root.inventory, root.errors, root.reached, root.deps, names)
    };
    // Nothing is kept when no scan-wide rule will run (no tiers or required aliases configured).
    let keep = rules::scan_rules_active(settings);
    let mut findings = unit_findings(&mut configured, settings);
    // One finding per problem: a plan's finding that the configuration also gives is that
    // finding, which gets the plan's place as a related location.
    let configured_findings: std::collections::HashMap<(&str, String, String), usize> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| ((f.rule.id, f.resource.clone(), f.message.clone()), i))
        .collect();
    let mut from_plans = Vec::new();
    let mut planned_kept = Inventory::default();
    let mut planned_full = Inventory::default();
    for (id, file, explicit) in plans {
        let (mut planned, places, plan_errors) =
            analyse_plan(dir, id, &file, explicit, &configured, settings);
        errors.extend(plan_errors);
        let name = file.display.rsplit('/').next().unwrap_or(&file.display);
        for f in unit_findings(&mut planned, settings) {
            let place = places.get(&f.resource).cloned();
            let twin = configured_findings
                .get(&(f.rule.id, f.resource.clone(), f.message.clone()))
                .and_then(|i| findings.get_mut(*i));
            let target = match twin {
                Some(twin) => twin,
                None => {
                    from_plans.push(f);
                    let Some(f) = from_plans.last_mut() else {
                        continue;
                    };
                    f
                }
            };
            let shown =
                target.primary.file == id || target.related.iter().any(|r| r.loc.file == id);
            if let Some(place) = place.filter(|_| !shown) {
                target.related(place, format!("planned in {name}"));
            }
        }
        match (full, keep) {
            (true, true) => {
                planned_kept.extend(planned.clone().for_scan_rules());
                planned_full.extend(planned);
            }
            (true, false) => planned_full.extend(planned),
            (false, true) => planned_kept.extend(planned.for_scan_rules()),
            (false, false) => {}
        }
    }
    findings.extend(from_plans);
    let mut inventory = Inventory::default();
    if keep {
        inventory = if full {
            configured.clone()
        } else {
            std::mem::take(&mut configured)
        }
        .for_scan_rules();
        inventory.extend(planned_kept);
    }
    Analysed {
        findings,
        inventory,
        errors,
        var_names,
        dir: dir.to_path_buf(),
        reached,
        deps,
        full: full.then(|| {
            configured.extend(planned_full);
            configured
        }),
    }
}

fn unit_findings(inventory: &mut Inventory, settings: &Settings) -> Vec<Finding> {
    inventory.sort();
    let mut findings = rules::run(inventory, settings, &[], rules::Scope::Unit);
    finding::redact(&mut findings, &inventory.sensitive);
    findings
}

/// Reads a JSON file that may be a plan (walked files only when they look like one).
fn load_plan(files: &Files, path: &Path, explicit: bool, settings: &Settings) -> Option<PlanFile> {
    if !explicit && !sniff(path) {
        return None;
    }
    let (id, file) = files.load_limited(path, settings.max_plan_size)?;
    Some((id, file, explicit))
}

/// Adds the changes of a plan in `dir` to a fresh inventory; `configured` is what the `.tf`
/// files of `dir` declare. Also returns where each resource change is in the plan.
fn analyse_plan(
    dir: &Path,
    id: source::FileId,
    file: &source::SourceFile,
    explicit: bool,
    configured: &Inventory,
    settings: &Settings,
) -> (
    Inventory,
    std::collections::HashMap<String, source::Loc>,
    Vec<InputError>,
) {
    let mut inventory = Inventory::default();
    let mut places = std::collections::HashMap::new();
    let mut errors = Vec::new();
    let root = from_hcl::root_name(dir);
    let adapter = model::from_plan::Adapter::new(file, &root, configured);
    let wanted = |ty: &str, change: &str| model::from_plan::wanted(ty, change, settings);
    let parsed = terraform::plan::parse(
        id,
        file,
        wanted,
        |change| {
            let mut one = Inventory::default();
            adapter.change(&change, &mut one);
            let place = terraform::plan::change_loc(&change);
            (one, change.address, place)
        },
        &mut (&mut inventory, &mut places),
        // Keys are most of what a plan leaves: their list is sized once.
        |(inventory, _), types| {
            let keys = types
                .iter()
                .filter(|t| model::KeyKind::from_resource_type(t).is_some())
                .count();
            inventory.keys.reserve_exact(keys);
        },
        |(inventory, places), (one, address, place)| {
            inventory.extend(one);
            places.insert(address, place);
        },
    );
    match parsed {
        Ok(Some(plan_errors)) => errors.extend(plan_errors),
        Ok(None) if explicit => errors.push(InputError::whole(
            diagnostic::InputErrorKind::UnsupportedFile,
            file.display.clone(),
            "not a Terraform plan: expected the output of `terraform show -json` or `tofu show -json` (with `format_version` and `resource_changes`)",
        )),
        Ok(None) => {}
        Err(e) => errors.push(*e),
    }
    (inventory, places, errors)
}

/// Whether a JSON file found while walking starts like a plan (most JSON files are not).
fn sniff(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(terraform::plan::SNIFF_BYTES);
    // Opened as every read is: a FIFO named `plan.json` must not block the scan.
    files::open_regular(path)
        .ok()
        .and_then(|(f, _)| {
            f.take(terraform::plan::SNIFF_BYTES as u64)
                .read_to_end(&mut head)
                .ok()
        })
        .is_some_and(|_| terraform::plan::looks_like_plan(&head))
}

/// Reads and parses every file `check` would, in the same thread pool, and nothing more: the
/// floor that benchmarks compare `check` against. Returns the number of files parsed.
pub fn parse_only(paths: &[PathBuf], base: &Path, settings: &Settings) -> usize {
    let boundaries = files::repositories(paths, base);
    let found = discover::discover(paths, base, settings.exclude.as_ref(), &boundaries);
    let files = Files::new(base, &boundaries, settings.max_file_size);
    in_pool(|| {
        found
            .modules
            .par_iter()
            .map(|module| {
                module
                    .files
                    .iter()
                    .filter_map(|f| files.load(&f.path))
                    .filter(|(id, source)| terraform::layout::parse(*id, source).is_ok())
                    .count()
            })
            .sum()
    })
}

/// Analyses one module given as in-memory `(display path, text)` pairs (docs examples, tests);
/// a `.json` name is a plan.
pub fn check_sources(sources: Vec<(String, String)>, settings: &Settings) -> Outcome {
    let dir = std::env::temp_dir().join("kmslint-in-memory");
    let files = Files::new(&dir, std::slice::from_ref(&dir), settings.max_file_size);
    let (plans, config): (Vec<_>, Vec<_>) = sources.into_iter().partition(|(name, _)| {
        name.ends_with(".json") && terraform::layout::syntax(Path::new(name)).is_none()
    });
    let loaded = config
        .into_iter()
        .map(|(name, text)| files.add_text(&name, text))
        .collect();
    // A `.json` text that is not a plan is ignored, as a walked one is.
    let plans = plans
        .into_iter()
        .map(|(name, text)| {
            let (id, file) = files.add_text(&name, text);
            (id, file, false)
        })
        .collect();
    let cache = from_hcl::ModuleCache::default();
    in_pool(|| {
        let analysed = guarded(&dir, &dir, || {
            analyse_unit(&files, &cache, settings, &dir, loaded, plans, false)
        });
        finish(
            files,
            vec![analysed],
            Vec::new(),
            Vec::new(),
            settings,
            None,
        )
        .0
    })
}

/// `context`: units read only for the scan-wide rules; `units_of`: see [`run`].
fn finish(
    files: Files,
    analysed: Vec<Analysed>,
    context: Vec<Analysed>,
    mut errors: Vec<InputError>,
    settings: &Settings,
    units_of: Option<&Elsewhere>,
) -> (Outcome, Vec<UnitScan>) {
    // A directory that another scanned root module calls is a module, not a root: analysed on
    // its own its inputs are unknown, and what it creates is counted through its callers.
    let reached: std::collections::BTreeSet<PathBuf> = analysed
        .iter()
        .chain(&context)
        .flat_map(|a| a.reached.iter().filter(move |d| **d != a.dir).cloned())
        .chain(units_of.into_iter().flat_map(|e| e.called.iter().cloned()))
        .collect();
    let mut inventory = Inventory::default();
    let mut findings = Vec::new();
    let mut called = Vec::new();
    let mut units = Vec::new();
    let mut var_names: Option<std::collections::BTreeSet<String>> = None;
    for unit in &analysed {
        if let Some(names) = &unit.var_names {
            var_names
                .get_or_insert_default()
                .extend(names.iter().cloned());
        }
    }
    let analysed_count = analysed.len();
    for (i, unit) in analysed.into_iter().chain(context).enumerate() {
        let is_called = reached.contains(&unit.dir);
        if is_called {
            called.extend(unit.findings);
        } else {
            inventory.extend(unit.inventory);
            findings.extend(unit.findings);
        }
        errors.extend(unit.errors);
        if i < analysed_count {
            units.push(UnitScan {
                dir: unit.dir,
                reached: unit.reached,
                deps: unit.deps,
                inventory: unit.full,
                called: is_called,
                created: Vec::new(),
            });
        }
    }
    // As for findings: a called module's keys are its callers'; the inventory of a module whose
    // keys no caller creates (each call has `count = 0`) is kept, callers (whose addresses go
    // through more module calls) before the modules they call.
    let blocks = |i: &Inventory| -> Vec<(source::FileId, usize)> {
        i.keys
            .iter()
            .map(|k| (k.block.file, k.block.span.start))
            .collect()
    };
    let mut created: std::collections::HashSet<(source::FileId, usize)> = units
        .iter()
        .filter(|u| !u.called)
        .flat_map(|u| u.inventory.iter())
        .flat_map(blocks)
        .collect();
    // Files are read by paths relative to the process's directory.
    let here = std::env::current_dir().unwrap_or_default();
    let outside = |b: &(source::FileId, usize)| {
        units_of.is_some_and(|e| {
            !e.created.is_empty()
                && files
                    .path(b.0)
                    .is_some_and(|p| e.created.contains(&(absolute(&here, &p), b.1)))
        })
    };
    let depth = |i: &Inventory| i.keys.iter().map(|k| k.calls.len()).max().unwrap_or(0);
    let mut by_depth: Vec<usize> = (0..units.len()).filter(|i| units[*i].called).collect();
    by_depth.sort_by_key(|i| std::cmp::Reverse(units[*i].inventory.as_ref().map_or(0, depth)));
    for i in by_depth {
        let Some(unit) = units.get_mut(i) else {
            continue;
        };
        let made = unit.inventory.as_ref().map(blocks).unwrap_or_default();
        if made.iter().any(|b| created.contains(b) || outside(b)) {
            unit.inventory = None;
        } else {
            created.extend(made);
        }
    }
    if units_of.is_some() {
        for unit in &mut units {
            unit.created = unit
                .inventory
                .iter()
                .flat_map(blocks)
                .filter_map(|(id, start)| Some((files.path(id)?, start)))
                .collect();
        }
    }
    if let Some(names) = var_names {
        errors.extend(terraform::vars::undeclared(&settings.var_inputs, &names));
    }
    // A called module's finding is shown as its callers see it (`module.x.aws_kms_key.k`), as
    // it is when only the caller is scanned; one that no caller reports is kept as it is.
    let twin = |f: &Finding| {
        (
            f.rule.id,
            f.primary.file,
            f.primary.span.start,
            f.primary.span.end,
            f.message.replace(&f.resource, ""),
        )
    };
    let seen: std::collections::HashSet<_> = findings.iter().map(twin).collect();
    findings.extend(called.into_iter().filter(|f| !seen.contains(&twin(f))));
    // Findings about the whole scan (tiers, required aliases) point at configuration entries.
    let mut config_files: Vec<(PathBuf, source::FileId)> = Vec::new();
    let entries = settings
        .tiers
        .iter()
        .map(|t| &t.at)
        .chain(settings.required_aliases.iter().map(|(_, at)| at));
    for entry in entries {
        if !config_files.iter().any(|(p, _)| *p == entry.path) {
            if let Some((id, _)) = files.load(&entry.path) {
                config_files.push((entry.path.clone(), id));
            }
        }
    }
    let (sources, read_errors) = files.finish();
    errors.extend(read_errors);
    let mut dirs: Vec<&str> = sources
        .iter()
        .map(|(_, f)| f.display.rsplit_once('/').map_or(".", |(d, _)| d))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    let stats = Stats {
        modules: dirs.len(),
        files: sources.iter().count(),
        bytes: sources.iter().map(|(_, f)| f.text.len() as u64).sum(),
    };
    inventory.sort();
    findings.extend(rules::run(
        &inventory,
        settings,
        &config_files,
        rules::Scope::Scan,
    ));
    let sources = settle(sources, &mut findings, &mut errors);
    // Before merging duplicates: a suppression can silence one module call's instance only.
    let suppress::Applied {
        kept: findings,
        suppressed,
        errors: suppression_errors,
    } = suppress::apply(
        findings,
        &sources,
        &suppress::SuppressOptions {
            report_unused: settings.report_unused_suppressions,
        },
    );
    errors.extend(suppression_errors);
    let mut findings = finding::dedup_and_sort(findings, &sources);
    let mut suppressed = finding::dedup_and_sort(suppressed, &sources);
    fix::resolve(&mut findings, &sources);
    fix::resolve(&mut suppressed, &sources);
    errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.dedup();
    let outcome = Outcome {
        sources,
        findings,
        suppressed,
        errors,
        stats,
    };
    (outcome, units)
}

/// Rewrites the locations in files read through a translation (the JSON configuration syntax)
/// or merged with the blocks of override files as places in the text of the file they are in,
/// for the reports.
fn settle(sources: SourceMap, findings: &mut [Finding], errors: &mut [InputError]) -> SourceMap {
    if !sources.has_translations() {
        return sources;
    }
    let fix = |loc: &mut source::Loc| sources.settle(loc);
    for f in findings.iter_mut() {
        fix(&mut f.primary);
        f.related.iter_mut().for_each(|r| fix(&mut r.loc));
        if let Some(block) = &mut f.block {
            fix(block);
        }
        if let Some(plan) = &mut f.fix {
            plan.for_each_loc(fix);
        }
    }
    for e in errors.iter_mut() {
        sources.settle_error(e);
    }
    sources.settled()
}

/// Runs `f` on a thread pool whose threads have room for deeply nested expressions: hcl-edit
/// at its nesting limit needs about 2 MiB of stack in a debug build, the evaluator more.
///
/// One pool for the process, made on first use: a caller that checks many times (tests, the
/// fuzz targets, an editor integration) does not start and stop threads each time, and no
/// thread is still ending when the process exits.
fn in_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(16 << 20)
            .thread_name(|i| format!("kmslint-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use super::*;

    /// Directories whose analysis panics, as a bug would: only tests can add one.
    static FAULTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    pub(super) fn inject_fault(dir: &Path) {
        let faulty = FAULTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .any(|f| files::normalize(f) == files::normalize(dir));
        if faulty {
            panic!("injected fault in {}", dir.display());
        }
    }

    #[test]
    fn a_plan_beside_its_configuration_adds_its_place_not_findings() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/plans/beside_tf");
        let settings = Settings::resolve(Options {
            select: Some(vec!["KMS006".into(), "KMS016".into()]),
            ..Options::default()
        })
        .unwrap();
        let outcome = check(std::slice::from_ref(&dir), &dir, &settings);
        let rules: Vec<&str> = outcome.findings.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules, ["KMS006", "KMS016"]);
        for f in &outcome.findings {
            assert_eq!(outcome.sources.display(f.primary.file), "main.tf");
            let planned: Vec<_> = f
                .related
                .iter()
                .filter(|r| outcome.sources.display(r.loc.file) == "plan.json")
                .collect();
            assert_eq!(planned.len(), 1, "{f:?}");
            assert_eq!(planned[0].message, "planned in plan.json");
        }
    }

    #[test]
    fn a_panic_in_one_unit_leaves_the_others_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let key = "resource \"aws_kms_key\" \"k\" {\n  enable_key_rotation = false\n}\n";
        for dir in ["a", "b", "c"] {
            std::fs::create_dir(tmp.path().join(dir)).unwrap();
            std::fs::write(tmp.path().join(dir).join("main.tf"), key).unwrap();
        }
        FAULTS.lock().unwrap().push(tmp.path().join("b"));
        let outcome = check(
            &[tmp.path().to_path_buf()],
            tmp.path(),
            &Settings::resolve(Options {
                select: Some(vec!["KMS002".into()]),
                ..Options::default()
            })
            .unwrap(),
        );
        let files: Vec<&str> = outcome
            .findings
            .iter()
            .map(|f| outcome.sources.display(f.primary.file))
            .collect();
        assert_eq!(files, ["a/main.tf", "c/main.tf"]);
        assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
        let error = &outcome.errors[0];
        assert_eq!(error.kind, diagnostic::InputErrorKind::Internal);
        assert_eq!(error.path, "b");
        assert!(
            error.message.contains("injected fault in"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("this is a kmslint bug"),
            "{}",
            error.message
        );
        assert_eq!(outcome.exit_code(FailLevel::None), 2);
    }
}
