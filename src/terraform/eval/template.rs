//! String templates and heredocs: literals, `${...}` interpolations, `%{if}` and `%{for}`
//! directives, and `~` strip markers.

use hcl_edit::template::{Directive, Element, Template};

use crate::source::Loc;
use crate::terraform::eval::{Data, Evaluator, Val};

/// Renders a template. A template that is one interpolation and nothing else yields that value
/// itself (as Terraform does), so `"${jsonencode(x)}"` stays structured.
pub(super) fn render(eval: &Evaluator<'_>, template: &Template, loc: &Loc) -> Val {
    let elements: Vec<&Element> = template.iter().collect();
    if let [Element::Interpolation(i)] = elements.as_slice() {
        return eval.eval(&i.expr, loc);
    }
    match render_text(eval, template, loc) {
        Some(text) => Val::new(Data::String(text), loc.clone()),
        None => Val::unknown(loc.clone()),
    }
}

/// The rendered text, or `None` when any part is unknown.
fn render_text(eval: &Evaluator<'_>, template: &Template, loc: &Loc) -> Option<String> {
    let elements: Vec<&Element> = template.iter().collect();
    let mut out = String::new();
    for (i, element) in elements.iter().enumerate() {
        match element {
            Element::Literal(lit) => {
                let mut text: &str = lit.value();
                if i > 0 && strips_after(elements.get(i - 1)) {
                    text = text.trim_start();
                }
                if strips_before(elements.get(i + 1)) {
                    text = text.trim_end();
                }
                push(eval, &mut out, text, loc)?;
            }
            Element::Interpolation(interp) => {
                push(
                    eval,
                    &mut out,
                    &eval.eval(&interp.expr, loc).to_string_value()?,
                    loc,
                )?;
            }
            Element::Directive(directive) => match &**directive {
                Directive::If(d) => {
                    if eval.eval(&d.if_expr.cond_expr, loc).to_bool()? {
                        push(
                            eval,
                            &mut out,
                            &render_text(eval, &d.if_expr.template, loc)?,
                            loc,
                        )?;
                    } else if let Some(e) = &d.else_expr {
                        push(eval, &mut out, &render_text(eval, &e.template, loc)?, loc)?;
                    }
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    let collection = eval.eval(&f.collection_expr, loc);
                    let pairs: Vec<(Val, Val)> = match collection.data {
                        Data::List(items) => items
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| (Val::new(Data::Number(i as f64), loc.clone()), v))
                            .collect(),
                        Data::Object(entries) => entries,
                        _ => return None,
                    };
                    for (k, v) in pairs {
                        let mut names = vec![(f.value_var.as_str().to_string(), v)];
                        if let Some(key) = &f.key_var {
                            names.push((key.as_str().to_string(), k));
                        }
                        let text = render_text(&eval.bind(names), &f.template, loc)?;
                        push(eval, &mut out, &text, loc)?;
                    }
                }
            },
        }
    }
    Some(out)
}

/// Appends `text`, when the evaluation budget pays for it: a `for` directive repeats its text
/// once per item, however long the text.
fn push(eval: &Evaluator<'_>, out: &mut String, text: &str, loc: &Loc) -> Option<()> {
    eval.charge(text.len() as u64, loc)
        .then(|| out.push_str(text))
}

fn strips_after(e: Option<&&Element>) -> bool {
    match e {
        Some(Element::Interpolation(i)) => i.strip.strip_end(),
        Some(Element::Directive(d)) => match &**d {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
        _ => false,
    }
}

fn strips_before(e: Option<&&Element>) -> bool {
    match e {
        Some(Element::Interpolation(i)) => i.strip.strip_start(),
        Some(Element::Directive(d)) => match &**d {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
        _ => false,
    }
}
