//! A module's parsed files and the index of what they declare (variables, locals, outputs,
//! module calls, policy documents, resources), which evaluation looks names up in.

use std::collections::BTreeMap;
use std::sync::Arc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use crate::source::{FileId, SourceFile};

/// One parsed file of a module.
pub struct ParsedFile {
    pub id: FileId,
    pub source: Arc<SourceFile>,
    pub body: Body,
}

/// A block and the file it is in.
#[derive(Clone, Copy)]
pub struct Decl<'a> {
    pub file: &'a ParsedFile,
    pub block: &'a Block,
}

/// A `locals` entry and the file it is in.
#[derive(Clone, Copy)]
pub struct LocalDecl<'a> {
    pub file: &'a ParsedFile,
    pub expr: &'a Expression,
}

/// What one module declares, by name.
pub struct ModuleIndex<'a> {
    pub files: &'a [ParsedFile],
    pub variables: BTreeMap<&'a str, Decl<'a>>,
    pub locals: BTreeMap<&'a str, LocalDecl<'a>>,
    pub outputs: BTreeMap<&'a str, Decl<'a>>,
    pub module_calls: BTreeMap<&'a str, Decl<'a>>,
    pub documents: BTreeMap<&'a str, Decl<'a>>,
    /// The other `data` blocks, by `(type, name)`.
    pub data: BTreeMap<(&'a str, &'a str), Decl<'a>>,
    /// Every managed resource, by `(type, name)`.
    pub resources: Resources<'a>,
}

/// The managed resources of a module, sorted by `(type, name)`: a module can declare hundreds of
/// thousands, and a sorted vector of two references each takes a fifth of a map's memory (the
/// type and name are read from the block's labels).
#[derive(Default)]
pub struct Resources<'a> {
    decls: Vec<Decl<'a>>,
}

/// The `(type, name)` labels of a resource block.
fn address<'a>(decl: &Decl<'a>) -> (&'a str, &'a str) {
    let block: &'a Block = decl.block;
    match block.labels.as_slice() {
        [ty, name, ..] => (ty.as_str(), name.as_str()),
        _ => ("", ""),
    }
}

impl<'a> Resources<'a> {
    /// Sorts `decls` (in file order) by address; of blocks with the same address the last one
    /// is kept, as a map filled in file order would.
    fn new(mut decls: Vec<Decl<'a>>) -> Self {
        decls.sort_by(|a, b| address(a).cmp(&address(b)));
        let mut kept: Vec<Decl<'a>> = Vec::with_capacity(decls.len());
        for decl in decls {
            match kept.last_mut() {
                Some(last) if address(last) == address(&decl) => *last = decl,
                _ => kept.push(decl),
            }
        }
        kept.shrink_to_fit();
        Resources { decls: kept }
    }

    pub fn get(&self, key: &(&str, &str)) -> Option<&Decl<'a>> {
        let at = self.decls.binary_search_by(|d| address(d).cmp(key)).ok()?;
        self.decls.get(at)
    }

    pub fn contains_key(&self, key: &(&str, &str)) -> bool {
        self.get(key).is_some()
    }

    /// Every resource in address order.
    pub fn iter(&self) -> impl Iterator<Item = ((&'a str, &'a str), &Decl<'a>)> {
        self.decls.iter().map(|d| (address(d), d))
    }

    pub fn len(&self) -> usize {
        self.decls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }
}

impl<'a> ModuleIndex<'a> {
    pub fn new(files: &'a [ParsedFile]) -> Self {
        let mut index = ModuleIndex {
            files,
            variables: BTreeMap::new(),
            locals: BTreeMap::new(),
            outputs: BTreeMap::new(),
            module_calls: BTreeMap::new(),
            documents: BTreeMap::new(),
            data: BTreeMap::new(),
            resources: Resources::default(),
        };
        let resource_count = files
            .iter()
            .flat_map(|f| f.body.get_blocks("resource"))
            .filter(|b| b.labels.len() == 2)
            .count();
        let mut resources = Vec::with_capacity(resource_count);
        for file in files {
            for block in file.body.blocks() {
                let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
                let decl = Decl { file, block };
                match (block.ident.as_str(), labels.as_slice()) {
                    ("variable", [name]) => {
                        index.variables.insert(name, decl);
                    }
                    ("output", [name]) => {
                        index.outputs.insert(name, decl);
                    }
                    ("module", [name]) => {
                        index.module_calls.insert(name, decl);
                    }
                    ("data", ["aws_iam_policy_document", name]) => {
                        index.documents.insert(name, decl);
                    }
                    ("data", [ty, name]) => {
                        index.data.insert((ty, name), decl);
                    }
                    ("resource", [_, _]) => resources.push(decl),
                    ("locals", []) => {
                        for attr in block.body.attributes() {
                            index.locals.insert(
                                attr.key.as_str(),
                                LocalDecl {
                                    file,
                                    expr: &attr.value,
                                },
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        index.resources = Resources::new(resources);
        index
    }
}
