//! Flags that take a name: clap `ValueEnum`s (their variants are the possible values shown by
//! `--help`) parsed through the library's `FromStr`, so the accepted spellings (any case,
//! aliases such as `--cohort none`) and the error line (`unknown cohort ...`) are the
//! library's.

use std::ffi::OsStr;
use std::marker::PhantomData;
use std::str::FromStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::ValueEnum;

use ltv::error::NameKind;
use ltv::Error;

/// The clap value parser of a name type `T`: possible values from `T`'s [`ValueEnum`],
/// parsing by `T`'s [`FromStr`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameParser<T>(PhantomData<fn() -> T>);

impl<T> NameParser<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> TypedValueParser for NameParser<T>
where
    T: ValueEnum + FromStr<Err = Error> + Clone + Send + Sync + 'static,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let flag = arg
            .and_then(|a| a.get_long())
            .map_or(String::new(), |l| format!("--{l}: "));
        let text = value.to_str().ok_or_else(|| {
            clap::Error::raw(ErrorKind::InvalidUtf8, format!("{flag}not UTF-8\n")).with_cmd(cmd)
        })?;
        <T as FromStr>::from_str(text).map_err(|e| {
            clap::Error::raw(ErrorKind::InvalidValue, format!("{flag}{e}\n")).with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            T::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

/// The output format of `ltv report` and `ltv backtest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// One row per group and cohort, comma separated.
    Csv,
    /// The report as one JSON document.
    Json,
    /// An aligned text table (the default on a terminal).
    Table,
}

impl FromStr for OutputFormat {
    type Err = Error;
    /// `csv`, `json` or `table`, in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            "table" => Ok(OutputFormat::Table),
            _ => Err(Error::unknown_name(
                NameKind::OutputFormat,
                s.to_ascii_lowercase(),
            )),
        }
    }
}

impl OutputFormat {
    /// The format asked for, else from the output file's extension (`.json` is JSON, any
    /// other file CSV), else `no_file` (stdout).
    pub(crate) fn choose(
        given: Option<OutputFormat>,
        output: Option<&std::path::Path>,
        no_file: OutputFormat,
    ) -> OutputFormat {
        given.unwrap_or(match output {
            Some(p)
                if p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
            {
                OutputFormat::Json
            }
            Some(_) => OutputFormat::Csv,
            None => no_file,
        })
    }
}
