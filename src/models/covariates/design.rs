//! Customers' covariates: raw columns (numbers or labels) encoded into the numeric design
//! matrix the models use, with the encoding kept so that prediction-time data is encoded the
//! same way.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One raw covariate column and how it is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CovariateColumn {
    /// A number used as it is (one design column named like the covariate).
    Numeric {
        /// Column name.
        name: String,
    },
    /// A label, one-hot encoded: one design column `name=level` per level, except the
    /// reference level when there is one (its customers have all indicators 0).
    Categorical {
        /// Column name.
        name: String,
        /// The levels that get an indicator, in design order.
        levels: Vec<String>,
        /// The reference level (no indicator), if any. Without a reference every level has an
        /// indicator, which only a penalty on the coefficients identifies.
        reference: Option<String>,
    },
}

impl CovariateColumn {
    /// The raw column's name.
    pub fn name(&self) -> &str {
        match self {
            CovariateColumn::Numeric { name } | CovariateColumn::Categorical { name, .. } => name,
        }
    }
}

/// How raw covariate columns map to design columns; saved with a fitted model.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CovariateEncoding {
    /// The raw columns in order.
    pub columns: Vec<CovariateColumn>,
}

impl CovariateEncoding {
    /// Names of the design columns (`x` for a numeric covariate, `channel=web` for a level).
    pub fn design_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.columns {
            match c {
                CovariateColumn::Numeric { name } => out.push(name.clone()),
                CovariateColumn::Categorical { name, levels, .. } => {
                    out.extend(levels.iter().map(|l| format!("{name}={l}")))
                }
            }
        }
        out
    }

    /// Number of design columns.
    pub fn width(&self) -> usize {
        self.columns
            .iter()
            .map(|c| match c {
                CovariateColumn::Numeric { .. } => 1,
                CovariateColumn::Categorical { levels, .. } => levels.len(),
            })
            .sum()
    }

    /// True when some categorical column has no reference level (every level has an
    /// indicator; identified only through a penalty).
    pub fn has_full_one_hot(&self) -> bool {
        self.columns.iter().any(|c| {
            matches!(
                c,
                CovariateColumn::Categorical {
                    reference: None,
                    ..
                }
            )
        })
    }
}

/// Raw values of one column while building.
#[derive(Debug, Clone)]
enum Raw {
    Numeric(Vec<f64>),
    Categorical(Vec<String>, Option<String>),
}

/// Builds [`Covariates`] from raw columns, one value per customer.
///
/// ```
/// use ltv::models::covariates::Covariates;
/// let ids = ["a", "b", "c"];
/// let cov = Covariates::builder(&ids)
///     .numeric("age", &[21.0, 35.0, 50.0])
///     .categorical("channel", &["web", "app", "web"], Some("web"))
///     .build()?;
/// assert_eq!(cov.names(), ["age", "channel=app"]);
/// assert_eq!(cov.row(1), [35.0, 1.0]);
/// # Ok::<(), ltv::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CovariatesBuilder {
    ids: Vec<String>,
    columns: Vec<(String, Raw)>,
}

impl CovariatesBuilder {
    /// Adds a numeric column (one value per customer).
    pub fn numeric(mut self, name: &str, values: &[f64]) -> Self {
        self.columns
            .push((name.to_string(), Raw::Numeric(values.to_vec())));
        self
    }

    /// Adds a categorical column (one label per customer), one-hot encoded with `reference`
    /// left out (`None`: every level gets an indicator; needs a penalty).
    pub fn categorical<S: AsRef<str>>(
        mut self,
        name: &str,
        labels: &[S],
        reference: Option<&str>,
    ) -> Self {
        self.columns.push((
            name.to_string(),
            Raw::Categorical(
                labels.iter().map(|s| s.as_ref().to_string()).collect(),
                reference.map(str::to_string),
            ),
        ));
        self
    }

    /// Checks every column and encodes it.
    ///
    /// # Errors
    /// [`Error::Covariate`] for a column of the wrong length, a missing value (NaN, ±inf or
    /// an empty label, naming the customer), a constant column (a numeric column with one
    /// value, a categorical one with one level: its effect cannot be told from the
    /// intercept), a reference level that never occurs, or a duplicate column name.
    pub fn build(self) -> Result<Covariates> {
        let n = self.ids.len();
        let mut encoding = CovariateEncoding::default();
        let mut seen = std::collections::HashSet::new();
        for (name, raw) in &self.columns {
            let bad = |customer: Option<usize>, rule: String| Error::Covariate {
                column: name.clone(),
                customer: customer.map(|i| self.ids[i].clone()),
                rule,
            };
            if !seen.insert(name.clone()) {
                return Err(bad(None, "the column appears twice".into()));
            }
            match raw {
                Raw::Numeric(v) => {
                    if v.len() != n {
                        return Err(bad(None, format!("{} values for {n} customers", v.len())));
                    }
                    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
                        return Err(bad(
                            Some(i),
                            format!("missing or non-finite value {}", v[i]),
                        ));
                    }
                    if n > 0 && v.iter().all(|&x| x == v[0]) {
                        return Err(bad(
                            None,
                            format!("constant column (every value is {}): its effect cannot be told from the intercept", v[0]),
                        ));
                    }
                    encoding
                        .columns
                        .push(CovariateColumn::Numeric { name: name.clone() });
                }
                Raw::Categorical(labels, reference) => {
                    if labels.len() != n {
                        return Err(bad(
                            None,
                            format!("{} values for {n} customers", labels.len()),
                        ));
                    }
                    if let Some(i) = labels.iter().position(|l| l.trim().is_empty()) {
                        return Err(bad(Some(i), "missing value (empty label)".into()));
                    }
                    let mut levels: Vec<String> = labels.to_vec();
                    levels.sort();
                    levels.dedup();
                    if levels.len() < 2 {
                        return Err(bad(
                            None,
                            format!(
                                "constant column (every customer has level `{}`): its effect cannot be told from the intercept",
                                levels.first().cloned().unwrap_or_default()
                            ),
                        ));
                    }
                    if let Some(r) = reference {
                        match levels.iter().position(|l| l == r) {
                            Some(k) => {
                                levels.remove(k);
                            }
                            None => {
                                return Err(bad(
                                    None,
                                    format!("reference level `{r}` does not occur"),
                                ))
                            }
                        }
                    }
                    encoding.columns.push(CovariateColumn::Categorical {
                        name: name.clone(),
                        levels,
                        reference: reference.clone(),
                    });
                }
            }
        }
        let raw: Vec<RawRef<'_>> = self
            .columns
            .iter()
            .map(|(_, r)| match r {
                Raw::Numeric(v) => RawRef::Numeric(v),
                Raw::Categorical(l, _) => RawRef::Categorical(l),
            })
            .collect();
        Covariates::encode(&self.ids, &encoding, &raw)
    }
}

/// A borrowed raw column, for [`Covariates::encode`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum RawRef<'a> {
    Numeric(&'a [f64]),
    Categorical(&'a [String]),
}

/// Customers' covariates as a numeric design matrix (one row per customer, in the order of
/// the summary they go with) and the [`CovariateEncoding`] that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    ids: Vec<String>,
    encoding: CovariateEncoding,
    names: Vec<String>,
    width: usize,
    values: Vec<f64>,
}

impl Covariates {
    /// Starts building covariates for the customers `ids` (in summary order).
    pub fn builder<S: AsRef<str>>(ids: &[S]) -> CovariatesBuilder {
        CovariatesBuilder {
            ids: ids.iter().map(|s| s.as_ref().to_string()).collect(),
            columns: Vec::new(),
        }
    }

    /// Encodes raw columns (in the order of `encoding.columns`) with an existing encoding,
    /// e.g. a fitted model's, for prediction.
    ///
    /// # Errors
    /// [`Error::Covariate`] for a missing value or a level the encoding does not know (seen
    /// only at prediction time), naming the customer.
    pub(crate) fn encode(
        ids: &[String],
        encoding: &CovariateEncoding,
        raw: &[RawRef<'_>],
    ) -> Result<Self> {
        let n = ids.len();
        let width = encoding.width();
        let mut values = vec![0.0; n * width];
        let mut offset = 0;
        if raw.len() != encoding.columns.len() {
            return Err(Error::LengthMismatch {
                left: "covariate encoding".into(),
                left_len: encoding.columns.len(),
                right: "covariate columns".into(),
                right_len: raw.len(),
            });
        }
        for (col, r) in encoding.columns.iter().zip(raw) {
            let bad = |i: usize, rule: String| Error::Covariate {
                column: col.name().to_string(),
                customer: Some(ids[i].clone()),
                rule,
            };
            match (col, r) {
                (CovariateColumn::Numeric { .. }, RawRef::Numeric(v)) => {
                    for (i, &x) in v.iter().enumerate().take(n) {
                        if !x.is_finite() {
                            return Err(bad(i, format!("missing or non-finite value {x}")));
                        }
                        values[i * width + offset] = x;
                    }
                    offset += 1;
                }
                (
                    CovariateColumn::Categorical {
                        levels, reference, ..
                    },
                    RawRef::Categorical(labels),
                ) => {
                    for (i, l) in labels.iter().enumerate().take(n) {
                        if let Some(k) = levels.iter().position(|v| v == l) {
                            values[i * width + offset + k] = 1.0;
                        } else if reference.as_deref() != Some(l.as_str()) {
                            return Err(bad(
                                i,
                                if l.trim().is_empty() {
                                    "missing value (empty label)".into()
                                } else {
                                    format!("level `{l}` was not seen when the model was fitted")
                                },
                            ));
                        }
                    }
                    offset += levels.len();
                }
                _ => {
                    return Err(Error::Covariate {
                        column: col.name().to_string(),
                        customer: None,
                        rule: "numeric in one table, categorical in the other".into(),
                    })
                }
            }
        }
        Ok(Self {
            ids: ids.to_vec(),
            names: encoding.design_names(),
            encoding: encoding.clone(),
            width,
            values,
        })
    }

    /// Encodes numeric and categorical raw values with `encoding` (a fitted model's), the
    /// columns given by name: `numeric` as `(name, values)`, `categorical` as
    /// `(name, labels)`.
    ///
    /// # Errors
    /// [`Error::Covariate`] for a column the encoding needs that is not given, a missing
    /// value, or a level not seen when the model was fitted.
    pub fn encode_with(
        ids: &[String],
        encoding: &CovariateEncoding,
        numeric: &[(&str, &[f64])],
        categorical: &[(&str, &[String])],
    ) -> Result<Self> {
        let mut raw = Vec::new();
        for col in &encoding.columns {
            let missing = || Error::Covariate {
                column: col.name().to_string(),
                customer: None,
                rule: "the model needs this column, which the covariate table does not have".into(),
            };
            match col {
                CovariateColumn::Numeric { name } => {
                    let v = numeric
                        .iter()
                        .find(|(n, _)| n == name)
                        .ok_or_else(missing)?;
                    raw.push(RawRef::Numeric(v.1));
                }
                CovariateColumn::Categorical { name, .. } => {
                    let v = categorical
                        .iter()
                        .find(|(n, _)| n == name)
                        .ok_or_else(missing)?;
                    raw.push(RawRef::Categorical(v.1));
                }
            }
        }
        for (name, len) in numeric
            .iter()
            .map(|(n, v)| (*n, v.len()))
            .chain(categorical.iter().map(|(n, v)| (*n, v.len())))
        {
            if len != ids.len() {
                return Err(Error::Covariate {
                    column: name.to_string(),
                    customer: None,
                    rule: format!("{len} values for {} customers", ids.len()),
                });
            }
        }
        Self::encode(ids, encoding, &raw)
    }

    /// A design matrix given directly (row-major, `names.len()` columns), all columns numeric.
    ///
    /// # Errors
    /// As [`CovariatesBuilder::build`].
    pub fn from_matrix<S: AsRef<str>>(ids: &[S], names: &[&str], values: &[f64]) -> Result<Self> {
        let k = names.len();
        if values.len() != ids.len() * k {
            return Err(Error::LengthMismatch {
                left: "customers × covariates".into(),
                left_len: ids.len() * k,
                right: "values".into(),
                right_len: values.len(),
            });
        }
        let mut b = Self::builder(ids);
        for (j, name) in names.iter().enumerate() {
            let col: Vec<f64> = values.iter().skip(j).step_by(k.max(1)).copied().collect();
            b = b.numeric(name, &col);
        }
        b.build()
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True without customers.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Customer ids, in row order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Design column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of design columns.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The encoding (saved with a fitted model).
    pub fn encoding(&self) -> &CovariateEncoding {
        &self.encoding
    }

    /// Design row of customer `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.width..(i + 1) * self.width]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_with_and_without_reference() {
        let ids = ["a", "b", "c", "d"];
        let c = Covariates::builder(&ids)
            .categorical("net", &["x", "y", "z", "x"], None)
            .build()
            .unwrap();
        assert_eq!(c.names(), ["net=x", "net=y", "net=z"]);
        assert_eq!(c.row(3), [1.0, 0.0, 0.0]);
        let c = Covariates::builder(&ids)
            .categorical("net", &["x", "y", "z", "x"], Some("y"))
            .build()
            .unwrap();
        assert_eq!(c.names(), ["net=x", "net=z"]);
        assert_eq!(c.row(1), [0.0, 0.0]);
    }

    #[test]
    fn bad_columns_are_named() {
        let ids = ["a", "b"];
        let e = Covariates::builder(&ids)
            .numeric("age", &[1.0, f64::NAN])
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("customer `b`"), "{e}");
        let e = Covariates::builder(&ids)
            .numeric("age", &[3.0, 3.0])
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("constant"), "{e}");
        let e = Covariates::builder(&ids)
            .categorical("c", &["u", ""], None)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("missing"), "{e}");
        let e = Covariates::builder(&ids)
            .categorical("c", &["u", "v"], Some("w"))
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("reference"), "{e}");
    }

    #[test]
    fn unseen_level_at_prediction_is_an_error() {
        let ids = ["a", "b"];
        let c = Covariates::builder(&ids)
            .categorical("c", &["u", "v"], Some("u"))
            .build()
            .unwrap();
        let new_ids = vec!["z".to_string()];
        let labels = vec!["w".to_string()];
        let e =
            Covariates::encode_with(&new_ids, c.encoding(), &[], &[("c", &labels)]).unwrap_err();
        assert!(e.to_string().contains("not seen"), "{e}");
        let labels = vec!["u".to_string()];
        let ok = Covariates::encode_with(&new_ids, c.encoding(), &[], &[("c", &labels)]).unwrap();
        assert_eq!(ok.row(0), [0.0]);
    }
}
