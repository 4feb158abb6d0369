//! What expressions of one module instance can refer to: its variables, its locals (evaluated
//! lazily, once, with cycle detection), the outputs of the modules it calls, its policy
//! documents, and the files of the scan.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl_edit::Span;

use crate::diagnostic::{InputError, InputErrorKind};
use crate::files::Files;
use crate::source::Loc;
use crate::terraform::eval::{Budget, Evaluator, Schema, Val, document};
use crate::terraform::module::{Decl, ModuleIndex};

/// Locals may refer to locals; past this depth the chain is treated as unknown (and reported),
/// so a hostile chain cannot exhaust the stack.
const MAX_LOCAL_DEPTH: usize = 200;

/// The `count`/`for_each` instance keys of a resource block: `None` for a single instance,
/// `Some(Err(()))` when they cannot be known.
pub(crate) type InstanceKeys = Option<Result<Vec<Val>, ()>>;

/// Gives the outputs of a module call, instantiating the called module on first use.
pub trait ModuleOutputs {
    /// The value of `module.NAME`: an object of outputs, or a list/map of them for a call with
    /// `count`/`for_each`; unknown when the module cannot be read. Shared: a reference copies
    /// only the output it reads.
    fn outputs(&self, scope: &Scope<'_>, name: &str) -> Option<Rc<Val>>;
}

/// One module instance.
pub struct Scope<'a> {
    pub index: &'a ModuleIndex<'a>,
    /// Address prefix of the instance: `""` for a root module, `module.kms.` for a call.
    pub prefix: String,
    /// The module's directory.
    pub dir: PathBuf,
    /// The root module's directory: Terraform's working directory, against which relative
    /// paths (`file("x")`, `path.module`) resolve. The module's own directory until set.
    pub root: PathBuf,
    pub files: &'a Files,
    pub vars: BTreeMap<String, Val>,
    pub modules: Option<&'a dyn ModuleOutputs>,
    /// Where the files that expressions read by name are recorded (`file()` and its kin).
    pub reads: Option<&'a crate::deps::Recorder>,
    /// What resource types and data sources stand for (the evaluator itself knows none).
    pub schema: Schema,
    /// Evaluated locals, shared so that `local.x.y` copies `y` only, and so that no borrow is
    /// held while an index expression evaluates (and perhaps adds a local).
    locals: RefCell<BTreeMap<String, Rc<Val>>>,
    local_stack: RefCell<Vec<String>>,
    documents: RefCell<BTreeMap<String, Val>>,
    document_stack: RefCell<Vec<String>>,
    /// The instance keys of each resource block, once known (see [`Scope::instance_keys`]).
    instance_keys: RefCell<BTreeMap<(String, String), InstanceKeys>>,
    /// Blocks whose expressions are being evaluated for a reference to the block itself.
    block_stack: RefCell<Vec<String>>,
    errors: RefCell<Vec<InputError>>,
    /// One budget for all of the instance's expressions.
    budget: Rc<Budget>,
}

impl<'a> Scope<'a> {
    pub fn new(index: &'a ModuleIndex<'a>, dir: &Path, files: &'a Files) -> Self {
        Scope {
            index,
            prefix: String::new(),
            dir: dir.to_path_buf(),
            root: dir.to_path_buf(),
            files,
            vars: BTreeMap::new(),
            modules: None,
            reads: None,
            schema: Schema::NONE,
            locals: RefCell::new(BTreeMap::new()),
            local_stack: RefCell::new(Vec::new()),
            documents: RefCell::new(BTreeMap::new()),
            document_stack: RefCell::new(Vec::new()),
            instance_keys: RefCell::new(BTreeMap::new()),
            block_stack: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
            budget: Rc::default(),
        }
    }

    pub(super) fn budget(&self) -> Rc<Budget> {
        Rc::clone(&self.budget)
    }

    pub fn var(&self, name: &str, at: &Loc) -> Val {
        match self.vars.get(name) {
            Some(v) => v
                .clone()
                .through(at.clone(), format!("used through `var.{name}`")),
            None => Val::unknown(at.clone()),
        }
    }

    pub fn local(&self, name: &str, at: &Loc) -> Val {
        match self.local_shared(name) {
            Some(v) => (*v)
                .clone()
                .through(at.clone(), format!("used through `local.{name}`")),
            None => Val::unknown(at.clone()),
        }
    }

    /// The value of `local.NAME`, evaluated on first use; `None` when it is unknown (undeclared,
    /// in a cycle, or too deep: the last two are reported).
    pub(super) fn local_shared(&self, name: &str) -> Option<Rc<Val>> {
        let cached = self.locals.borrow().get(name).cloned();
        if cached.is_some() {
            return cached;
        }
        let decl = self.index.locals.get(name).copied()?;
        let cycle = {
            let stack = self.local_stack.borrow();
            stack.iter().any(|n| n == name).then(|| stack.clone())
        };
        let def_loc = Loc::new(decl.file.id, decl.expr.span().unwrap_or(0..0));
        if let Some(stack) = cycle {
            let mut chain: Vec<String> = stack
                .iter()
                .skip_while(|n| n.as_str() != name)
                .map(|n| format!("local.{n}"))
                .collect();
            chain.push(format!("local.{name}"));
            self.error(
                InputErrorKind::Evaluation,
                &def_loc,
                format!("cycle between locals: {}", chain.join(" → ")),
            );
            return None;
        }
        if self.local_stack.borrow().len() >= MAX_LOCAL_DEPTH {
            self.error(
                InputErrorKind::Evaluation,
                &def_loc,
                format!("locals refer to each other more than {MAX_LOCAL_DEPTH} levels deep; `local.{name}` is treated as unknown"),
            );
            return None;
        }
        self.local_stack.borrow_mut().push(name.to_string());
        let v = Rc::new(Evaluator::in_scope(decl.file.id, self).eval(decl.expr, &def_loc));
        self.local_stack.borrow_mut().pop();
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Rc::clone(&v));
        Some(v)
    }

    pub fn module_output(&self, name: &str, at: &Loc) -> Val {
        self.module_output_shared(name)
            .map_or_else(|| Val::unknown(at.clone()), |v| (*v).clone())
    }

    /// `module.NAME`, shared with the cache of the call's outputs.
    pub(super) fn module_output_shared(&self, name: &str) -> Option<Rc<Val>> {
        self.modules.and_then(|m| m.outputs(self, name))
    }

    /// `data.aws_iam_policy_document.NAME.json`, built once per instance.
    pub fn document(&self, name: &str, at: &Loc) -> Val {
        if let Some(v) = self.documents.borrow().get(name) {
            return v.clone();
        }
        let Some(decl) = self.index.documents.get(name).copied() else {
            return Val::unknown(at.clone());
        };
        if self.document_stack.borrow().iter().any(|n| n == name) {
            return Val::unknown(at.clone());
        }
        self.document_stack.borrow_mut().push(name.to_string());
        let v = document::build(&Evaluator::in_scope(decl.file.id, self), decl.block);
        self.document_stack.borrow_mut().pop();
        self.documents
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        v
    }

    pub fn error(&self, kind: InputErrorKind, loc: &Loc, message: String) {
        let error = match self.index.files.iter().find(|f| f.id == loc.file) {
            Some(f) => InputError::at(kind, loc.file, &f.source, loc.span.clone(), message),
            None => InputError::whole(kind, String::new(), message),
        };
        self.errors.borrow_mut().push(error);
    }

    /// `path.module`: the module's directory relative to the root module's, as Terraform shows
    /// it (`.` for the root itself, `modules/kms` or `../modules/kms` for a called module).
    pub fn path_module(&self) -> String {
        let rel = crate::files::relative(&self.dir, &self.root)
            .unwrap_or_else(|| crate::files::normalize(&self.dir));
        crate::files::slash_path(&rel)
    }

    pub fn take_errors(&self) -> Vec<InputError> {
        std::mem::take(&mut self.errors.borrow_mut())
    }

    /// Whether the module declares `resource "TYPE" "NAME"`.
    pub fn has_resource(&self, ty: &str, name: &str) -> bool {
        self.index.resources.contains_key(&(ty, name))
    }

    /// The `count`/`for_each` instance keys of a resource block: `None` for a single instance,
    /// `Some(Err(()))` when they cannot be known.
    pub fn instance_keys(&self, ty: &str, name: &str) -> InstanceKeys {
        let key = (ty.to_string(), name.to_string());
        if let Some(keys) = self.instance_keys.borrow().get(&key) {
            return keys.clone();
        }
        let keys = self.evaluate_instance_keys(ty, name);
        // Keys that could not be known may come from a cycle, which is reported at each block
        // it goes through: evaluated again.
        if !matches!(keys, Some(Err(()))) {
            self.instance_keys.borrow_mut().insert(key, keys.clone());
        }
        keys
    }

    fn evaluate_instance_keys(&self, ty: &str, name: &str) -> InstanceKeys {
        let decl = self.index.resources.get(&(ty, name))?;
        let body = &decl.block.body;
        let attr = body
            .get_attribute("count")
            .or_else(|| body.get_attribute("for_each"))?;
        Some(
            self.guarded(&format!("{ty}.{name}"), decl, attr, || {
                self.expand(decl, attr)
            })
            .unwrap_or(Err(())),
        )
    }

    /// Evaluates `f`, the value of `attr` of the block `address`, unless that block is already
    /// being evaluated further up (`for_each = aws_kms_key.x` inside `aws_kms_key.x`, which
    /// Terraform rejects) or blocks refer to each other too deep: either would recurse without
    /// end. Then it reports the cycle at `attr` and gives `None`.
    pub(super) fn guarded<T>(
        &self,
        address: &str,
        decl: &Decl<'_>,
        attr: &hcl_edit::structure::Attribute,
        f: impl FnOnce() -> T,
    ) -> Option<T> {
        let what = || format!("`{}` of `{address}`", attr.key.as_str());
        let refused = {
            let stack = self.block_stack.borrow();
            if stack.len() >= MAX_LOCAL_DEPTH {
                Some(format!(
                    "blocks refer to each other more than {MAX_LOCAL_DEPTH} levels deep; {} is treated as unknown",
                    what()
                ))
            } else if stack.iter().any(|a| a == address) {
                let mut chain: Vec<&str> = stack
                    .iter()
                    .skip_while(|a| *a != address)
                    .map(String::as_str)
                    .collect();
                chain.push(address);
                Some(format!(
                    "{} refers to itself: {}; it is treated as unknown",
                    what(),
                    chain.join(" → ")
                ))
            } else {
                None
            }
        };
        if let Some(message) = refused {
            let at = Loc::new(decl.file.id, attr.span().unwrap_or(0..0));
            self.error(InputErrorKind::Evaluation, &at, message);
            return None;
        }
        self.block_stack.borrow_mut().push(address.to_string());
        let v = f();
        self.block_stack.borrow_mut().pop();
        Some(v)
    }

    /// The instance keys a `count` or `for_each` attribute gives.
    fn expand(
        &self,
        decl: &Decl<'_>,
        attr: &hcl_edit::structure::Attribute,
    ) -> Result<Vec<Val>, ()> {
        let eval = Evaluator::in_scope(decl.file.id, self);
        let loc = Loc::new(decl.file.id, decl.block.span().unwrap_or(0..0));
        if attr.key.as_str() == "count" {
            let n = eval.eval(&attr.value, &loc).to_int();
            return match n
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n <= 1000)
            {
                Some(n) => Ok((0..n)
                    .map(|i| Val::new(crate::terraform::eval::Data::Number(i as f64), loc.clone()))
                    .collect()),
                None => Err(()),
            };
        }
        let v = eval.eval(&attr.value, &loc);
        match &v.data {
            crate::terraform::eval::Data::Object(entries) => {
                Ok(entries.iter().map(|(k, _)| k.clone()).collect())
            }
            crate::terraform::eval::Data::List(items)
                if items.iter().all(|i| i.data_str().is_some()) =>
            {
                Ok(items.clone())
            }
            _ => Err(()),
        }
    }
}
