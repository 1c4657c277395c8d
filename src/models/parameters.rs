//! The parameter plumbing every model with a vector of positive parameters shares.
//!
//! A model is a small `Copy` struct of positive `f64` parameters. Writing each by hand means
//! the same struct, accessors, validated serde record, [`ModelParameters`] impl and
//! "parameters were given, not estimated" methods of [`TransactionModel`] four times over.
//! The macros here write them once; a model file keeps its story, its parameters' meaning
//! (the field docs) and its formulas.
//!
//! * [`positive_parameters!`] declares the model struct: private (or `pub(crate)`) `f64`
//!   fields, a documented accessor per field, `Serialize`/`Deserialize` through a record
//!   that is validated on the way in (a saved model with `alpha: -1` does not load), and
//!   [`ModelParameters`] with the fields in declaration order as the parameter vector.
//! * [`given_parameters!`] writes, inside `impl TransactionModel for Model`, the methods that
//!   only repeat the parameter vector: `name`, `parameter_names`, `parameters`, `covariance`
//!   (an error: a model built from given parameters has none) and `with_parameters`.
//!
//! [`ModelParameters`]: crate::models::ModelParameters
//! [`TransactionModel`]: crate::models::TransactionModel

use crate::error::Error;

/// Declares a model struct of positive `f64` parameters (see the [module docs](self)).
///
/// ```text
/// positive_parameters! {
///     /// struct docs
///     pub struct Model("saved-name", "ModelRecord") {
///         /// docs of the accessor `a()`
///         a,
///         /// docs of the accessor `b()`
///         pub(crate) b,
///     }
/// }
/// ```
///
/// `"saved-name"` is [`ModelParameters::NAME`](crate::models::ModelParameters::NAME);
/// `"ModelRecord"` is the name serde gives the record in its error messages. The module must
/// not declare another type called `ParameterRecord` (the serde record).
macro_rules! positive_parameters {
    (
        $(#[$meta:meta])*
        pub struct $model:ident($name:expr, $record:literal) {
            $( $(#[$field_doc:meta])* $field_vis:vis $field:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(try_from = "ParameterRecord", into = "ParameterRecord")]
        pub struct $model {
            $( $field_vis $field: f64, )+
        }

        /// The serialised form of the model: its parameters by name, checked when read.
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename = $record)]
        struct ParameterRecord {
            $( $field: f64, )+
        }

        impl TryFrom<ParameterRecord> for $model {
            type Error = $crate::error::Error;
            fn try_from(v: ParameterRecord) -> $crate::error::Result<Self> {
                <$model as $crate::models::ModelParameters>::from_parameters(&[$(v.$field),+])
            }
        }

        impl From<$model> for ParameterRecord {
            fn from(m: $model) -> Self {
                ParameterRecord { $( $field: m.$field, )+ }
            }
        }

        impl $model {
            $(
                $(#[$field_doc])*
                pub fn $field(&self) -> f64 {
                    self.$field
                }
            )+
        }

        impl $crate::models::ModelParameters for $model {
            const NAME: &'static str = $name;
            const PARAMETER_NAMES: &'static [&'static str] = &[$(stringify!($field)),+];

            fn from_parameters(p: &[f64]) -> $crate::error::Result<Self> {
                $crate::models::fitted::check_positive_parameters(Self::PARAMETER_NAMES, p)?;
                match *p {
                    [$($field),+] => Ok(Self { $($field),+ }),
                    // the length was checked against the names just above
                    _ => unreachable!("parameter vector of checked length"),
                }
            }

            fn to_parameters(&self) -> Vec<f64> {
                vec![$(self.$field),+]
            }
        }
    };
}

/// Inside `impl TransactionModel for Model` (with `Model: ModelParameters + Copy`), the
/// methods that report and rebuild the parameter vector (see the [module docs](self)).
macro_rules! given_parameters {
    () => {
        fn name(&self) -> &'static str {
            <Self as $crate::models::ModelParameters>::NAME
        }

        fn parameter_names(&self) -> &'static [&'static str] {
            <Self as $crate::models::ModelParameters>::PARAMETER_NAMES
        }

        fn parameters(&self) -> Vec<f64> {
            $crate::models::ModelParameters::to_parameters(self)
        }

        fn covariance(&self) -> $crate::error::Result<::nalgebra::DMatrix<f64>> {
            Err($crate::models::parameters::no_covariance(
                <Self as $crate::models::ModelParameters>::NAME,
            ))
        }

        fn with_parameters(
            &self,
            parameters: &[f64],
        ) -> $crate::error::Result<Box<dyn $crate::models::TransactionModel>> {
            Ok(Box::new(
                <Self as $crate::models::ModelParameters>::from_parameters(parameters)?,
            ))
        }
    };
}

pub(crate) use {given_parameters, positive_parameters};

/// The error for a model whose parameters were given, not estimated.
pub(crate) fn no_covariance(model: &str) -> Error {
    Error::SingularInformation {
        model: model.to_string(),
        reason: "the parameters were given, not estimated: fit the model to get a covariance"
            .to_string(),
    }
}
