//! Shrinks a parsed tree to what evaluation reads, and undoes the placeholders of a rewrite.
//!
//! hcl-edit keeps every run of whitespace and every comment as an owned string (decor), and
//! its vectors keep the spare capacity they grew with (a two-attribute block body holds room for
//! four 300-byte structures). Nothing in kmslint reads decor (comments are read from the source
//! text), so it is cleared, and each top-level structure is cloned, which allocates every vector
//! and string at its length. On real files this halves the tree; see docs/performance.md.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::expr::{
    Array, BinaryOp, BinaryOperator, Conditional, Expression, ForCond, ForExpr, ForIntro, FuncArgs,
    FuncCall, Null, Object, ObjectKey, Parenthesis, Splat, Traversal, TraversalOperator, UnaryOp,
};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::template::{HeredocTemplate, StringTemplate};
use hcl_edit::visit_mut::{self, VisitMut};
use hcl_edit::{Decorate, Decorated, Formatted, Ident, Number, Span};

/// What a rewrite changed that the tree must not show.
#[derive(Default)]
pub(super) struct Restore {
    /// Span starts of object keys to remove (a later equal key wins).
    pub(super) dropped_keys: BTreeSet<usize>,
    /// Heredoc start → delimiter as written.
    pub(super) heredocs: BTreeMap<usize, String>,
}

/// Clears decor, applies `restore`, and reallocates the tree at its exact size.
pub(super) fn compact(body: &mut Body, restore: &Restore) {
    let mut strip = Strip { restore };
    for i in 0..body.len() {
        if let Some(structure) = body.get_mut(i) {
            strip.structure(structure);
            *structure = structure.clone();
        }
    }
    body.decor_mut().clear();
    // Moving the structures into a body built with their exact count drops the spare capacity
    // of the top-level vector (the file body's own span is never read).
    let structures: Vec<Structure> = std::mem::take(body).into_iter().collect();
    *body = structures.into_iter().collect();
}

struct Strip<'a> {
    restore: &'a Restore,
}

impl Strip<'_> {
    fn structure(&mut self, structure: &mut Structure) {
        match structure {
            Structure::Attribute(attr) => {
                attr.decor_mut().clear();
                attr.key.decor_mut().clear();
                self.visit_expr_mut(&mut attr.value);
            }
            Structure::Block(block) => self.visit_block_mut(block),
        }
    }
}

/// Leaf nodes: clear their decor.
macro_rules! leaves {
    ($($name:ident => $t:ty),* $(,)?) => {
        $(fn $name(&mut self, node: &mut $t) {
            node.decor_mut().clear();
        })*
    };
}

/// Inner nodes: clear their decor, then walk their children.
macro_rules! inner {
    ($($name:ident => $t:ty),* $(,)?) => {
        $(fn $name(&mut self, node: &mut $t) {
            node.decor_mut().clear();
            visit_mut::$name(self, node);
        })*
    };
}

impl VisitMut for Strip<'_> {
    leaves! {
        visit_ident_mut => Decorated<Ident>,
        visit_null_mut => Decorated<Null>,
        visit_bool_mut => Decorated<bool>,
        visit_number_mut => Formatted<Number>,
        visit_string_mut => Decorated<String>,
        visit_splat_mut => Decorated<Splat>,
        visit_binary_operator_mut => Decorated<BinaryOperator>,
    }

    inner! {
        visit_block_label_mut => BlockLabel,
        visit_parenthesis_mut => Parenthesis,
        visit_conditional_mut => Conditional,
        visit_unary_op_mut => UnaryOp,
        visit_binary_op_mut => BinaryOp,
        visit_traversal_mut => Traversal,
        visit_traversal_operator_mut => TraversalOperator,
        visit_func_call_mut => FuncCall,
        visit_for_expr_mut => ForExpr,
        visit_for_intro_mut => ForIntro,
        visit_for_cond_mut => ForCond,
        visit_string_template_mut => StringTemplate,
    }

    fn visit_body_mut(&mut self, body: &mut Body) {
        body.decor_mut().clear();
        for i in 0..body.len() {
            if let Some(structure) = body.get_mut(i) {
                self.structure(structure);
            }
        }
    }

    fn visit_block_mut(&mut self, block: &mut Block) {
        block.decor_mut().clear();
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expression) {
        if let Expression::HeredocTemplate(heredoc) = expr {
            let start = heredoc.span().map(|s| s.start);
            if let Some(delimiter) = start.and_then(|s| self.restore.heredocs.get(&s)) {
                if let Ok(ident) = Ident::try_new(delimiter.as_str()) {
                    heredoc.delimiter = ident;
                }
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_array_mut(&mut self, array: &mut Array) {
        array.decor_mut().clear();
        array.set_trailing("");
        visit_mut::visit_array_mut(self, array);
    }

    fn visit_object_mut(&mut self, object: &mut Object) {
        object.decor_mut().clear();
        object.set_trailing("");
        if !self.restore.dropped_keys.is_empty() {
            let dropped: Vec<ObjectKey> = object
                .iter()
                .filter(|(key, _)| {
                    key.span()
                        .is_some_and(|s| self.restore.dropped_keys.contains(&s.start))
                })
                .map(|(key, _)| key.clone())
                .collect();
            for key in &dropped {
                object.remove(key);
            }
        }
        for (mut key, value) in object.iter_mut() {
            key.decor_mut().clear();
            self.visit_object_value_mut(value);
        }
    }

    fn visit_func_args_mut(&mut self, args: &mut FuncArgs) {
        args.decor_mut().clear();
        args.set_trailing("");
        visit_mut::visit_func_args_mut(self, args);
    }

    fn visit_heredoc_template_mut(&mut self, heredoc: &mut HeredocTemplate) {
        heredoc.decor_mut().clear();
        heredoc.set_trailing("");
        visit_mut::visit_heredoc_template_mut(self, heredoc);
    }
}
