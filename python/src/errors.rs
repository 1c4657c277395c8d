//! The crate's [`ltv::Error`] as Python exceptions.
//!
//! The exception classes live in `ltv/exceptions.py` (so they can inherit from both
//! `ltv.LtvError` and the matching built-in: `ValueError`, `ArithmeticError`, `OSError`).
//! Each carries the crate's message as its text, the variant name as `kind`, and the variant's
//! fields as attributes (`row`, `column`, `value`, `rule`, `name`, ...).

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Python class name (in `ltv.exceptions`) and attributes of a crate error.
fn describe(e: &ltv::Error) -> (&'static str, &'static str, Vec<(&'static str, Attr)>) {
    use ltv::Error as E;
    match e {
        E::Io { path, .. } => (
            "LtvIOError",
            "Io",
            vec![("path", Attr::S(path.display().to_string()))],
        ),
        E::Csv { line, source } => (
            "DataError",
            "Csv",
            vec![
                ("row", Attr::U(*line)),
                ("rule", Attr::S(source.to_string())),
            ],
        ),
        E::HeaderNotUtf8 { line } => ("DataError", "HeaderNotUtf8", vec![("row", Attr::U(*line))]),
        E::MissingColumn { column, found } => (
            "DataError",
            "MissingColumn",
            vec![
                ("column", Attr::S(column.clone())),
                ("found", Attr::S(found.clone())),
            ],
        ),
        E::FieldCount { line, .. } => ("DataError", "FieldCount", vec![("row", Attr::U(*line))]),
        E::InvalidField {
            line,
            column,
            value,
            rule,
        } => (
            "DataError",
            "InvalidField",
            vec![
                ("row", Attr::U(*line)),
                ("column", Attr::S(column.clone())),
                ("value", Attr::S(value.clone())),
                ("rule", Attr::S(rule.clone())),
            ],
        ),
        E::EmptyInput { what } => (
            "DataError",
            "EmptyInput",
            vec![("rule", Attr::S(what.clone()))],
        ),
        E::InvalidDate { value, rule } => (
            "DataError",
            "InvalidDate",
            vec![
                ("value", Attr::S(value.clone())),
                ("rule", Attr::S(rule.clone())),
            ],
        ),
        E::LengthMismatch { .. } => ("DataError", "LengthMismatch", vec![]),
        E::InvalidParameter { name, value, rule } => (
            "ParameterError",
            "InvalidParameter",
            vec![
                ("name", Attr::S(name.clone())),
                (
                    "value",
                    match value {
                        ltv::error::ParamValue::Number(v) => Attr::F(*v),
                        ltv::error::ParamValue::Text(s) => Attr::S(s.clone()),
                        _ => Attr::S(String::new()),
                    },
                ),
                ("rule", Attr::S(rule.clone())),
            ],
        ),
        E::UnknownName { kind, value } => (
            "ParameterError",
            "UnknownName",
            vec![
                ("name", Attr::S(kind.to_string())),
                ("value", Attr::S(value.clone())),
                ("rule", Attr::S(format!("expected {}", kind.expected()))),
            ],
        ),
        E::Unidentifiable { model, .. } => (
            "ConvergenceError",
            "Unidentifiable",
            vec![("model", Attr::S(model.clone()))],
        ),
        E::NotConverged {
            model, iterations, ..
        } => (
            "ConvergenceError",
            "NotConverged",
            vec![
                ("model", Attr::S(model.clone())),
                ("iterations", Attr::U(*iterations)),
            ],
        ),
        E::Optimizer { model, .. } => (
            "ConvergenceError",
            "Optimizer",
            vec![("model", Attr::S(model.clone()))],
        ),
        E::Numerical { context, .. } => (
            "NumericalError",
            "Numerical",
            vec![("context", Attr::S(context.clone()))],
        ),
        E::SingularInformation { model, .. } => (
            "NumericalError",
            "SingularInformation",
            vec![("model", Attr::S(model.clone()))],
        ),
        E::ModelFormat { .. } => ("ModelFormatError", "ModelFormat", vec![]),
        _ => ("LtvError", "Other", vec![]),
    }
}

enum Attr {
    S(String),
    U(u64),
    F(f64),
}

/// Converts a crate error into the matching `ltv.exceptions` exception, message unchanged.
pub(crate) fn to_py(e: ltv::Error) -> PyErr {
    let message = e.to_string();
    let (class, kind, attrs) = describe(&e);
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let module = py.import("ltv.exceptions")?;
            let exc = module.getattr(class)?.call1((message.clone(),))?;
            exc.setattr("kind", kind)?;
            for (name, value) in attrs {
                match value {
                    Attr::S(s) => exc.setattr(name, s)?,
                    Attr::U(u) => exc.setattr(name, u)?,
                    Attr::F(f) => exc.setattr(name, f)?,
                }
            }
            Ok(PyErr::from_value(exc))
        };
        build().unwrap_or_else(|err| err)
    })
}

/// Adds the error kinds' table to the module (for documentation and tests).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let d = PyDict::new(m.py());
    for (kind, class) in [
        ("InvalidField", "DataError"),
        ("InvalidParameter", "ParameterError"),
        ("NotConverged", "ConvergenceError"),
        ("Numerical", "NumericalError"),
        ("ModelFormat", "ModelFormatError"),
        ("Io", "LtvIOError"),
    ] {
        d.set_item(kind, class)?;
    }
    m.add("ERROR_CLASSES", d)?;
    Ok(())
}
