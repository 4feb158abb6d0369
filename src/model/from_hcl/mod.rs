//! Adapter: Terraform modules → the [`Inventory`].
//!
//! A directory is analysed as a root module: its variables take their values as Terraform would
//! (defaults, tfvars, `--var`), then every resource instance (`count`/`for_each` expanded when
//! known) is read into the inventory, and every `module` block with a local source (or one that
//! `terraform init` downloaded into `.terraform/modules`) is instantiated with its inputs,
//! recursively. Findings inside a called module carry the chain of calls as related locations.

mod overrides;
mod prune;
mod resources;
mod uses;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use hcl_edit::Span;
use hcl_edit::structure::Block;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::files::{Files, normalize};
use crate::model::{Inventory, KeyKind, Related};
use crate::source::{FileId, Loc, SourceFile};
use crate::terraform::eval::{Data, Evaluator, Instance, ModuleOutputs, Scope, Val};
use crate::terraform::module::{Decl, ModuleIndex, ParsedFile};
use crate::terraform::vars::{self, VarInputs};
use crate::terraform::{layout, terragrunt};

use resources::{Attrs, IAM_POLICY_TYPES, Place};

/// Calls nest at most this deep; deeper chains are not followed (and reported).
const MAX_MODULE_DEPTH: usize = 16;

/// `count`/`for_each` with more instances than this are analysed once, as unknown.
const MAX_INSTANCES: usize = 1000;

/// The default of `max-instances`: how many module and resource instances one root module may
/// create in all. Nested calls multiply (three calls with `count = 100` make a million instances
/// of the innermost module), so the sum is what bounds time and memory. The largest of the 358
/// roots of ministryofjustice/modernisation-platform-environments creates fewer than 1000.
pub const DEFAULT_MAX_INSTANCES: usize = 10_000;

/// The parsed files of module directories reached through `module` blocks, shared by every root
/// that calls them: a module library called from a thousand roots is parsed once.
#[derive(Default)]
pub struct ModuleCache {
    dirs: Mutex<HashMap<PathBuf, Arc<Vec<ParsedFile>>>>,
}

/// State shared by the module instances of one root.
struct Run<'a> {
    files: &'a Files,
    cache: &'a ModuleCache,
    root: PathBuf,
    /// `root` as recorded in the inventory (see [`root_name`]).
    root_name: String,
    /// Only ever borrowed for one push or extend: evaluation, which can instantiate a module
    /// and so add to it, never runs while it is borrowed.
    inventory: RefCell<Inventory>,
    errors: RefCell<Vec<InputError>>,
    /// Module and resource instances created so far, against `max_instances`.
    instances: Cell<usize>,
    max_instances: usize,
    /// Whether reaching `max_instances` was reported (once per root).
    limit_reported: Cell<bool>,
    /// Module calls instantiated once after the budget ran out (by file and offset): any other
    /// instance of their caller gets unknown outputs instead of another copy.
    past_budget: RefCell<BTreeSet<(FileId, usize)>>,
    /// The directories of the modules instantiated, normalized: they are not roots of their own.
    reached: RefCell<BTreeSet<PathBuf>>,
    /// The files read by name (see [`crate::deps`]).
    reads: crate::deps::Recorder,
    /// Addresses of the keys something uses (`module.a.aws_kms_key.k`, no resource index), and
    /// module instances (prefixes) any key of which may be used (KMS021).
    used_keys: RefCell<(BTreeSet<String>, BTreeSet<String>)>,
    /// By module instance (prefix), the key addresses each of its outputs exposes.
    exposed: RefCell<BTreeMap<String, BTreeMap<String, BTreeSet<String>>>>,
}

/// Analyses the module made of `sources` (one directory) as a root module, creating at most
/// about `max_instances` module and resource instances.
pub fn analyse_root(
    files: &Files,
    cache: &ModuleCache,
    inputs: &VarInputs,
    max_instances: usize,
    dir: &Path,
    sources: Vec<(FileId, Arc<SourceFile>)>,
) -> (Inventory, Vec<InputError>) {
    let root = analyse_root_reaching(files, cache, inputs, max_instances, dir, sources);
    (root.inventory, root.errors)
}

/// What [`analyse_root_reaching`] finds of a root module.
pub struct RootAnalysis {
    pub inventory: Inventory,
    pub errors: Vec<InputError>,
    /// The (normalized) directories of the modules it calls, directly or not.
    pub reached: BTreeSet<PathBuf>,
    /// What else it read of the tree.
    pub deps: crate::deps::Deps,
    /// The names of the variables it declares (what `--var` may set).
    pub variables: Vec<String>,
}

/// [`analyse_root`], also returning the directories of the modules it calls and the variables
/// it declares.
pub fn analyse_root_reaching(
    files: &Files,
    cache: &ModuleCache,
    inputs: &VarInputs,
    max_instances: usize,
    dir: &Path,
    sources: Vec<(FileId, Arc<SourceFile>)>,
) -> RootAnalysis {
    let run = Run {
        files,
        cache,
        root: dir.to_path_buf(),
        root_name: root_name(dir),
        inventory: RefCell::new(Inventory::default()),
        errors: RefCell::new(Vec::new()),
        instances: Cell::new(0),
        max_instances,
        limit_reported: Cell::new(false),
        past_budget: RefCell::new(BTreeSet::new()),
        reached: RefCell::new(BTreeSet::new()),
        reads: crate::deps::Recorder::default(),
        used_keys: RefCell::new((BTreeSet::new(), BTreeSet::new())),
        exposed: RefCell::new(BTreeMap::new()),
    };
    let (parsed, tfvars) = parse(&run, sources);
    let index = ModuleIndex::new(&parsed);
    let (values, var_errors) = vars::values_and_errors(&index, dir, files, inputs, &tfvars);
    run.errors.borrow_mut().extend(var_errors);
    let frame = Frame {
        dir: dir.to_path_buf(),
        prefix: String::new(),
        key_path: Vec::new(),
        calls: Vec::new(),
        stack: vec![module_dir(dir)],
        default_tags: BTreeMap::new(),
    };
    // Nothing reads a root module's outputs.
    instantiate(&run, &index, &frame, values, false);
    let mut inventory = run.inventory.into_inner();
    let (used, open) = run.used_keys.into_inner();
    inventory.unused_keys = inventory
        .keys
        .iter()
        .filter(|k| {
            let base = crate::model::base_address(&k.address);
            !used.contains(base)
                && !open.iter().any(|p| {
                    // A key of that instance itself: the rest is `aws_kms_key.k`.
                    base.strip_prefix(p.as_str())
                        .is_some_and(|r| r.starts_with("aws_"))
                })
        })
        .map(|k| k.address.clone())
        .collect();
    resources::resolve_aliases(&mut inventory);
    RootAnalysis {
        inventory,
        errors: run.errors.into_inner(),
        reached: run.reached.into_inner(),
        deps: run.reads.into_inner(),
        variables: index.variables.keys().map(|v| (*v).to_string()).collect(),
    }
}

/// A module directory, normalized, and `.` where normalizing leaves nothing: a module called as
/// `../..` from `examples/ex` is the scanned directory itself, which must still be read (an empty
/// path names no directory) and known as the root `.` that it is.
fn module_dir(dir: &Path) -> PathBuf {
    let n = normalize(dir);
    if n.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        n
    }
}

/// How a root module directory is named in the inventory, so a plan in the same directory finds
/// the keys of its configuration.
pub fn root_name(dir: &Path) -> String {
    normalize(dir).to_string_lossy().into_owned()
}

/// Parses a module's files: the configuration, and apart from it the `.tfvars` files (values,
/// which `vars` reads).
fn parse(
    run: &Run<'_>,
    sources: Vec<(FileId, Arc<SourceFile>)>,
) -> (Vec<ParsedFile>, Vec<ParsedFile>) {
    let mut config = Vec::new();
    let mut tfvars = Vec::new();
    for (id, source) in sources {
        let parsed = if terragrunt::is_unit(&source.path) {
            terragrunt::parse(
                run.files,
                &run.reads,
                id,
                &source,
                &mut run.errors.borrow_mut(),
            )
        } else {
            layout::parse(id, &source)
        };
        match parsed {
            Ok(mut body) => {
                let is_vars = source.path.extension().is_some_and(|e| e == "tfvars");
                if !is_vars {
                    prune::prune(&mut body);
                }
                let parsed = ParsedFile { id, source, body };
                if is_vars {
                    tfvars.push(parsed)
                } else {
                    config.push(parsed)
                }
            }
            Err(e) => run.errors.borrow_mut().push(*e),
        }
    }
    run.errors.borrow_mut().extend(duplicate_blocks(&config));
    overrides::apply(&mut config, &mut run.errors.borrow_mut());
    (config, tfvars)
}

/// A `resource` or `data` block whose type and name another block of the module already has:
/// Terraform rejects the module ("Duplicate resource configuration"), so kmslint does not pick
/// one of them silently.
fn duplicate_blocks(config: &[ParsedFile]) -> Vec<InputError> {
    let mut seen: BTreeMap<(&str, &str, &str), (&ParsedFile, usize)> = BTreeMap::new();
    let mut errors = Vec::new();
    for file in config
        .iter()
        .filter(|f| !layout::is_override(&f.source.path))
    {
        for block in file.body.blocks() {
            let kind = block.ident.as_str();
            if !matches!(kind, "resource" | "data") {
                continue;
            }
            let [ty, name] = block.labels.as_slice() else {
                continue;
            };
            let span = block.span().unwrap_or(0..0);
            let key = (kind, ty.as_str(), name.as_str());
            match seen.get(&key) {
                None => {
                    seen.insert(key, (file, span.start));
                }
                Some((first, at)) => {
                    let line = first.source.position(*at).line;
                    let what = if kind == "data" {
                        "data source"
                    } else {
                        "resource"
                    };
                    errors.push(InputError::at(
                        InputErrorKind::Evaluation,
                        file.id,
                        &file.source,
                        span,
                        format!(
                            "duplicate {what} configuration: `{kind} \"{}\" \"{}\"` is already declared at {}:{line}; Terraform rejects the module",
                            ty.as_str(),
                            name.as_str(),
                            first.source.display
                        ),
                    ));
                }
            }
        }
    }
    errors
}

impl ModuleCache {
    /// The parsed `.tf` files of a called module's directory.
    fn get(&self, run: &Run<'_>, dir: &Path) -> Arc<Vec<ParsedFile>> {
        let key = normalize(dir);
        if let Some(parsed) = self
            .dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Arc::clone(parsed);
        }
        let (parsed, _) = parse(run, module_files(run.files, dir));
        let parsed = Arc::new(parsed);
        self.dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_insert(parsed)
            .clone()
    }
}

/// Where a module instance is.
#[derive(Clone)]
struct Frame {
    dir: PathBuf,
    /// Address prefix: `module.a["x"].module.b.`.
    prefix: String,
    /// Call names without instance keys (`a`, `b`): the key of `.terraform/modules/modules.json`.
    key_path: Vec<String>,
    /// The calls that led here, outermost first.
    calls: Vec<Related>,
    /// Module directories being instantiated, to stop a module that calls itself.
    stack: Vec<PathBuf>,
    /// `default_tags` of the root module's `aws` providers, by alias (`""`: the default one).
    /// Modules inherit their caller's providers.
    default_tags: BTreeMap<String, Val>,
}

/// Reads one module instance into the inventory and returns its outputs (when `outputs_wanted`).
fn instantiate(
    run: &Run<'_>,
    index: &ModuleIndex<'_>,
    frame: &Frame,
    values: BTreeMap<String, Val>,
    outputs_wanted: bool,
) -> Val {
    let module_id = format!("{}#{}", frame.dir.display(), frame.prefix);
    // A root module configures the providers its resources and the modules it calls use.
    let provider_tags;
    let frame = if frame.prefix.is_empty() {
        let mut probe = Scope::new(index, &frame.dir, run.files);
        probe.reads = Some(&run.reads);
        probe.schema = crate::model::schema::SCHEMA;
        probe.root = run.root.clone();
        probe.vars = values.clone();
        provider_tags = Frame {
            default_tags: default_tags(index, &probe),
            ..frame.clone()
        };
        &provider_tags
    } else {
        frame
    };
    let calls = Calls {
        run,
        index,
        frame,
        cache: RefCell::new(BTreeMap::new()),
        busy: RefCell::new(BTreeSet::new()),
    };
    let mut scope = Scope::new(index, &frame.dir, run.files);
    scope.schema = crate::model::schema::SCHEMA;
    scope.root = run.root.clone();
    scope.prefix = frame.prefix.clone();
    scope.vars = values;
    scope.modules = Some(&calls);
    scope.reads = Some(&run.reads);
    for file in index.files {
        for block in file.body.get_blocks("resource") {
            resource(run, &scope, file, block, &module_id, frame);
        }
    }
    for (name, decl) in &index.module_calls {
        if calls.outputs(&scope, name).is_none() {
            unread_module_inputs(run, &scope, decl, &module_id, frame);
        }
    }
    let mut outputs = Vec::new();
    for (name, decl) in index.outputs.iter().filter(|_| outputs_wanted) {
        let eval = Evaluator::in_scope(decl.file.id, &scope);
        let loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        let value = decl
            .block
            .body
            .get_attribute("value")
            .map_or_else(|| Val::unknown(loc.clone()), |a| eval.eval(&a.value, &loc));
        outputs.push((Val::new(Data::String((*name).to_string()), loc), value));
    }
    record_uses(run, index, &frame.prefix);
    let errors = scope.take_errors();
    run.errors.borrow_mut().extend(errors);
    let loc = index
        .files
        .first()
        .map_or(Loc::new(FileId(0), 0..0), |f| Loc::new(f.id, 0..0));
    Val::new(Data::Object(outputs), loc)
}

/// Records which keys of the module instance at `prefix` are used, and what its outputs expose;
/// its calls are instantiated by now, so what their outputs expose is known.
fn record_uses(run: &Run<'_>, index: &ModuleIndex<'_>, prefix: &str) {
    let refs = uses::References::of(index);
    // What the outputs of the instances of call `call` read here expose.
    let children = |reads: &BTreeSet<(String, Option<String>)>| {
        let exposed = run.exposed.borrow();
        let mut keys = BTreeSet::new();
        for (call, output) in reads {
            let head = format!("{prefix}module.{call}");
            for (child, outputs) in exposed.range(head.clone()..) {
                let Some(rest) = child.strip_prefix(&head) else {
                    break;
                };
                // The call's own instances (`module.c.`, `module.c["k"].`), not the modules
                // they call in turn (`module.c.module.d.`).
                let own = rest == "."
                    || (rest.starts_with('[')
                        && rest.ends_with("].")
                        && !rest.contains("].module."));
                if !own {
                    continue;
                }
                match output {
                    Some(o) => keys.extend(outputs.get(o).into_iter().flatten().cloned()),
                    None => keys.extend(outputs.values().flatten().cloned()),
                }
            }
        }
        keys
    };
    let (own, any) = refs.used_keys();
    let mut used: BTreeSet<String> = own.iter().map(|k| format!("{prefix}{k}")).collect();
    used.extend(children(refs.reads()));
    let mut outputs = BTreeMap::new();
    for name in refs.output_names() {
        let (keys, reads) = refs.exposed(name);
        let mut exposed: BTreeSet<String> = keys.iter().map(|k| format!("{prefix}{k}")).collect();
        exposed.extend(children(&reads));
        outputs.insert(name.to_string(), exposed);
    }
    // A root module's outputs are what it gives its user.
    if prefix.is_empty() {
        used.extend(outputs.values().flatten().cloned());
    }
    {
        let mut state = run.used_keys.borrow_mut();
        state.0.extend(used);
        if any {
            state.1.insert(prefix.to_string());
        }
    }
    run.exposed.borrow_mut().insert(prefix.to_string(), outputs);
}

/// The inputs of a module call the scan could not read, looked at for AWS-managed keys.
fn unread_module_inputs(
    run: &Run<'_>,
    scope: &Scope<'_>,
    decl: &Decl<'_>,
    module: &str,
    frame: &Frame,
) {
    let eval = Evaluator::in_scope(decl.file.id, scope);
    // `count = 0` or an empty `for_each`: the module is not called.
    if expand(&eval, decl.block).is_empty() {
        return;
    }
    let attrs = Attrs::new(eval, &decl.file.source, decl.block);
    let place = Place {
        module,
        default_tags: None,
        root: &run.root_name,
        prefix: &frame.prefix,
        instance: String::new(),
        calls: &frame.calls,
    };
    // As for a resource: reading an input may instantiate another module call.
    let mut found = Inventory::default();
    resources::module_inputs(&place, &attrs, &mut found);
    run.inventory.borrow_mut().extend(found);
}

/// Reads every instance of one resource block that the rules look at.
fn resource(
    run: &Run<'_>,
    scope: &Scope<'_>,
    file: &ParsedFile,
    block: &Block,
    module: &str,
    frame: &Frame,
) {
    let Some(ty) = block.labels.first().map(|l| l.as_str()) else {
        return;
    };
    let kind = KeyKind::from_resource_type(ty);
    let relevant = kind.is_some()
        || crate::model::encryption::known(ty)
        || matches!(ty, "aws_kms_key_policy" | "aws_kms_grant" | "aws_kms_alias")
        || IAM_POLICY_TYPES.contains(&ty);
    // Any other resource may still name an AWS-managed key in some attribute; KMS and IAM
    // resources name keys to manage or grant them, not to encrypt with them.
    let scanned = crate::model::encryption::may_use_keys(ty);
    if !relevant && !scanned {
        return;
    }
    let base = Evaluator::in_scope(file.id, scope);
    for (instance, inst) in instances(run, &base, block) {
        let attrs = Attrs::new(base.clone().with_instance(&inst), &file.source, block);
        let provider = block
            .body
            .get_attribute("provider")
            .and_then(|a| match &a.value {
                hcl_edit::expr::Expression::Traversal(t) => {
                    crate::terraform::eval::attribute_path(t)
                }
                _ => None,
            })
            .and_then(|p| match p.as_slice() {
                ["aws", alias] => Some((*alias).to_string()),
                _ => None,
            })
            .unwrap_or_default();
        let place = Place {
            module,
            default_tags: frame.default_tags.get(&provider),
            root: &run.root_name,
            prefix: &frame.prefix,
            instance,
            calls: &frame.calls,
        };
        // Reading an attribute can instantiate a module call (`module.kms.key_arn`), which
        // adds that module's resources to the run's inventory: what this instance gives is
        // collected apart and added once every attribute is read.
        let mut found = Inventory::default();
        if scanned {
            resources::named_keys(&place, &attrs, ty, &mut found);
        }
        if !relevant {
            run.inventory.borrow_mut().extend(found);
            continue;
        }
        if let Some(kind) = kind {
            if let Some(key) = resources::key(&place, kind, &attrs) {
                found.keys.push(key);
            }
        } else if ty == "aws_kms_key_policy" {
            if let Some(kp) = resources::key_policy_resource(&place, &attrs) {
                found.key_policies.push(kp);
            }
        } else if ty == "aws_kms_grant" {
            if let Some(grant) = resources::grant(&place, &attrs) {
                found.grants.push(grant);
            }
        } else if crate::model::encryption::known(ty) {
            resources::encryptions(&place, &attrs, ty, &mut found);
            // `aws_iam_role` is not in the table; nothing else is both.
        } else if ty == "aws_kms_alias" {
            if let Some(alias) = resources::alias(&place, &attrs) {
                found.aliases.push(alias);
            }
        } else {
            resources::iam_policies(&place, &attrs, &mut found);
        }
        run.inventory.borrow_mut().extend(found);
    }
}

/// `provider "aws" { default_tags { tags = {...} } }` of a module, by alias.
fn default_tags(index: &ModuleIndex<'_>, scope: &Scope<'_>) -> BTreeMap<String, Val> {
    let mut out = BTreeMap::new();
    for file in index.files {
        for block in file.body.get_blocks("provider") {
            if block.labels.first().map(|l| l.as_str()) != Some("aws") {
                continue;
            }
            let eval = Evaluator::in_scope(file.id, scope);
            let loc = Loc::new(file.id, block.span().unwrap_or(0..0));
            let alias = block
                .body
                .get_attribute("alias")
                .and_then(|a| eval.eval(&a.value, &loc).to_string_value())
                .unwrap_or_default();
            for dt in block.body.get_blocks("default_tags") {
                if let Some(tags) = dt.body.get_attribute("tags") {
                    out.insert(alias.clone(), eval.eval(&tags.value, &loc));
                }
            }
        }
    }
    out
}

/// The instances of a resource or module block, counted against the root's budget: once it is
/// spent, one instance with unknown `count.index`/`each.*` stands for them all (reported once).
fn instances(run: &Run<'_>, eval: &Evaluator<'_>, block: &Block) -> Vec<(String, Instance)> {
    let expanded = expand(eval, block);
    let used = run.instances.get();
    let total = used.saturating_add(expanded.len());
    if total <= run.max_instances || expanded.len() <= 1 {
        run.instances.set(total);
        return expanded;
    }
    run.instances.set(used.saturating_add(1));
    if !run.limit_reported.replace(true)
        && let Some(scope) = eval.scope()
    {
        let at = ["count", "for_each"]
            .iter()
            .find_map(|a| block.body.get_attribute(a))
            .and_then(|a| a.span())
            .or_else(|| block.span())
            .unwrap_or(0..0);
        scope.error(
            InputErrorKind::Limit,
            &Loc::new(eval.file, at),
            format!(
                "this root module creates more than {} module and resource instances (`max-instances`); from here on each `count` and `for_each` is analysed once with an unknown index, and each module call at most once",
                run.max_instances
            ),
        );
    }
    let unknown = || {
        Some(Val::unknown(Loc::new(
            eval.file,
            block.span().unwrap_or(0..0),
        )))
    };
    let inst = if block.body.get_attribute("count").is_some() {
        Instance {
            count_index: unknown(),
            ..Instance::default()
        }
    } else {
        Instance {
            each_key: unknown(),
            each_value: unknown(),
            count_index: None,
        }
    };
    vec![(String::new(), inst)]
}

/// The instances of a resource or module block: `[i]` for `count`, `["key"]` for `for_each`,
/// one with unknown `count.index`/`each.*` when the collection is unknown (or huge), none for
/// `count = 0` or an empty `for_each`.
fn expand(eval: &Evaluator<'_>, block: &Block) -> Vec<(String, Instance)> {
    let loc = Loc::new(eval.file, block.span().unwrap_or(0..0));
    if let Some(count) = block.body.get_attribute("count") {
        let v = eval.eval(&count.value, &loc);
        return match v.to_int().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n <= MAX_INSTANCES => (0..n)
                .map(|i| {
                    let index = Val::new(Data::Number(i as f64), v.loc.clone());
                    (
                        format!("[{i}]"),
                        Instance {
                            count_index: Some(index),
                            ..Instance::default()
                        },
                    )
                })
                .collect(),
            _ => vec![(
                String::new(),
                Instance {
                    count_index: Some(Val::unknown(v.loc)),
                    ..Instance::default()
                },
            )],
        };
    }
    if let Some(each) = block.body.get_attribute("for_each") {
        let v = eval.eval(&each.value, &loc);
        let pairs: Option<Vec<(Val, Val)>> = match &v.data {
            Data::Object(entries) => Some(entries.clone()),
            Data::List(items) => Some(items.iter().map(|i| (i.clone(), i.clone())).collect()),
            _ => None,
        };
        return match pairs.filter(|p| p.len() <= MAX_INSTANCES) {
            Some(pairs) if pairs.iter().all(|(k, _)| k.to_string_value().is_some()) => pairs
                .into_iter()
                .map(|(k, value)| {
                    let key = k.to_string_value().unwrap_or_default();
                    let key_val = Val::new(Data::String(key.clone()), k.loc.clone());
                    let suffix = format!("[{}]", serde_json::to_string(&key).unwrap_or_default());
                    (
                        suffix,
                        Instance {
                            each_key: Some(key_val),
                            each_value: Some(value),
                            count_index: None,
                        },
                    )
                })
                .collect(),
            _ => vec![(
                String::new(),
                Instance {
                    each_key: Some(Val::unknown(v.loc.clone())),
                    each_value: Some(Val::unknown(v.loc)),
                    count_index: None,
                },
            )],
        };
    }
    vec![(String::new(), Instance::default())]
}

/// The module calls of one module instance, instantiated on first use.
struct Calls<'a> {
    run: &'a Run<'a>,
    index: &'a ModuleIndex<'a>,
    frame: &'a Frame,
    cache: RefCell<BTreeMap<String, Option<Rc<Val>>>>,
    busy: RefCell<BTreeSet<String>>,
}

impl ModuleOutputs for Calls<'_> {
    fn outputs(&self, scope: &Scope<'_>, name: &str) -> Option<Rc<Val>> {
        let cached = self.cache.borrow().get(name).cloned();
        if let Some(v) = cached {
            return v;
        }
        // A call whose inputs need its own outputs (through another call) cannot be resolved.
        if !self.busy.borrow_mut().insert(name.to_string()) {
            return None;
        }
        let v = self.call(scope, name).map(Rc::new);
        self.busy.borrow_mut().remove(name);
        self.cache.borrow_mut().insert(name.to_string(), v.clone());
        v
    }
}

impl Calls<'_> {
    fn call(&self, scope: &Scope<'_>, name: &str) -> Option<Val> {
        let decl = self.index.module_calls.get(name)?;
        let eval = Evaluator::in_scope(decl.file.id, scope);
        let block_loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        let source_attr = decl.block.body.get_attribute("source")?;
        let source_loc = Loc::new(decl.file.id, source_attr.value.span().unwrap_or(0..0));
        let source = eval
            .eval(&source_attr.value, &block_loc)
            .data_str()?
            .to_string();
        let mut key_path = self.frame.key_path.clone();
        key_path.push(name.to_string());
        let dir = self.resolve(&source, &key_path)?;
        let error = |message: String| {
            scope.error(InputErrorKind::Evaluation, &source_loc, message);
            None
        };
        if !self.run.files.allowed(&dir) {
            return error(format!(
                "module source `{source}` is outside the scanned tree; module `{name}` was not analysed"
            ));
        }
        let normalized = module_dir(&dir);
        if self.frame.stack.contains(&normalized) {
            return error(format!(
                "module `{name}` calls itself through `{source}`; the recursion was not followed"
            ));
        }
        if self.frame.stack.len() > MAX_MODULE_DEPTH {
            scope.error(InputErrorKind::Limit, &source_loc, format!(
                "modules are nested more than {MAX_MODULE_DEPTH} deep; module `{name}` was not analysed"
            ));
            return None;
        }
        self.run.reached.borrow_mut().insert(normalized.clone());
        let parsed = self.run.cache.get(self.run, &dir);
        if parsed.is_empty() {
            return None;
        }
        let index = ModuleIndex::new(&parsed);
        let declared = vars::declared(&index);
        let header_end = decl
            .block
            .labels
            .last()
            .and_then(Span::span)
            .map_or(block_loc.span.start, |s| s.end);
        let header = Loc::new(
            decl.file.id,
            block_loc.span.start..header_end.max(block_loc.span.start),
        );
        // Once the budget is spent, a call is instantiated for one instance of its caller only.
        if self.run.instances.get() >= self.run.max_instances
            && !self
                .run
                .past_budget
                .borrow_mut()
                .insert((decl.file.id, block_loc.span.start))
        {
            return None;
        }
        let instances = instances(self.run, &eval, decl.block);
        let counted = decl.block.body.get_attribute("count").is_some();
        let mut results = Vec::new();
        for (suffix, inst) in &instances {
            let eval = eval.clone().with_instance(inst);
            let values: BTreeMap<String, Val> = declared
                .iter()
                .filter_map(|(var, (ty, default, _))| {
                    let given = decl.block.body.get_attribute(var).map(|a| {
                        let at = Loc::new(decl.file.id, a.value.span().unwrap_or(0..0));
                        eval.eval(&a.value, &block_loc)
                            .through(at, format!("passed to `module.{name}` as `{var}`"))
                    });
                    let v = given.or_else(|| default.clone())?;
                    Some(((*var).to_string(), ty.convert(v)))
                })
                .collect();
            let prefix = format!("{}module.{name}{suffix}.", self.frame.prefix);
            let mut calls = self.frame.calls.clone();
            calls.push(Related {
                loc: header.clone(),
                message: format!("in `{}`, called here", prefix.trim_end_matches('.')),
            });
            let mut stack = self.frame.stack.clone();
            stack.push(normalized.clone());
            let frame = Frame {
                dir: dir.clone(),
                prefix,
                key_path: key_path.clone(),
                calls,
                stack,
                default_tags: self.frame.default_tags.clone(),
            };
            results.push((
                suffix.clone(),
                inst.clone(),
                instantiate(self.run, &index, &frame, values, true),
            ));
        }
        let all_keyed = results.iter().all(|(s, _, _)| !s.is_empty());
        Some(match results.as_slice() {
            [(s, _, out)]
                if s.is_empty()
                    && !counted
                    && decl.block.body.get_attribute("for_each").is_none() =>
            {
                out.clone()
            }
            _ if all_keyed && counted => Val::new(
                Data::List(results.into_iter().map(|(_, _, o)| o).collect()),
                block_loc,
            ),
            _ if all_keyed => Val::new(
                Data::Object(
                    results
                        .into_iter()
                        .filter_map(|(_, inst, o)| Some((inst.each_key?, o)))
                        .collect(),
                ),
                block_loc,
            ),
            _ => Val::unknown(block_loc),
        })
    }

    /// The directory of a module source: a local path, or where `terraform init` put it. The
    /// caller checks that it stays inside the repository.
    fn resolve(&self, source: &str, key_path: &[String]) -> Option<PathBuf> {
        if source.starts_with("./") || source.starts_with("../") {
            return Some(module_dir(&self.frame.dir.join(source)));
        }
        let manifest = self.run.root.join(".terraform/modules/modules.json");
        self.run.reads.file(&manifest);
        // The manifest is read like any file of the tree: inside the repository, a regular file,
        // capped in size.
        if !self.run.files.allowed(&manifest) {
            return None;
        }
        let bytes = crate::files::read_regular(&manifest, MAX_MANIFEST_SIZE).ok()?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let key = key_path.join(".");
        let entry = json
            .get("Modules")?
            .as_array()?
            .iter()
            .find(|m| m.get("Key").and_then(|k| k.as_str()) == Some(key.as_str()))?;
        let dir = entry.get("Dir")?.as_str()?;
        Some(module_dir(&self.run.root.join(dir)))
    }
}

/// `.terraform/modules/modules.json` larger than this is not read (real ones are a few KiB).
const MAX_MANIFEST_SIZE: u64 = 16 << 20;

/// The `.tf` files of a module directory, read through the registry (which refuses a file
/// whose real path leaves the repository). A name that is not UTF-8 is read too, as Terraform
/// reads it.
fn module_files(files: &Files, dir: &Path) -> Vec<(FileId, Arc<SourceFile>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            !name.to_string_lossy().starts_with('.') && layout::syntax(Path::new(&name)).is_some()
        })
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    let shadowed = layout::shadowed(&paths);
    paths.retain(|p| !shadowed.contains(p));
    paths.sort();
    paths.iter().filter_map(|p| files.load(p)).collect()
}

#[cfg(test)]
mod tests;
