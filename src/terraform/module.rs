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
    pub resources: BTreeMap<(&'a str, &'a str), Decl<'a>>,
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
            resources: BTreeMap::new(),
        };
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
                    ("resource", [ty, name]) => {
                        index.resources.insert((ty, name), decl);
                    }
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
        index
    }
}
