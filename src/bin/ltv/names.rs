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

/// The clap value parser of a name type `T`: possible values from the [`ValueEnum`] `Names`
/// (`T` itself, or the element of a list such as `GroupBy`'s `Level`), parsing by `T`'s
/// [`FromStr`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameParser<T, Names = T>(PhantomData<fn() -> (T, Names)>);

impl<T, Names> NameParser<T, Names> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T, Names> TypedValueParser for NameParser<T, Names>
where
    T: FromStr<Err = Error> + Clone + Send + Sync + 'static,
    Names: ValueEnum + 'static,
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
            Names::value_variants()
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

#[cfg(test)]
mod tests {
    use super::*;
    use ltv::report::{CohortBy, GroupBy, Level};

    fn command() -> clap::Command {
        clap::Command::new("t")
            .arg(
                clap::Arg::new("cohort")
                    .long("cohort")
                    .value_parser(NameParser::<CohortBy>::new()),
            )
            .arg(
                clap::Arg::new("group-by")
                    .long("group-by")
                    .value_parser(NameParser::<GroupBy, Level>::new()),
            )
            .arg(
                clap::Arg::new("format")
                    .long("format")
                    .value_parser(NameParser::<OutputFormat>::new()),
            )
    }

    /// The library's spellings are accepted (any case, the `none` alias) and its error line
    /// is what clap prints.
    #[test]
    fn names_parse_with_the_library_rules() {
        let m = command()
            .try_get_matches_from(["t", "--cohort", "NONE", "--group-by", "network, Campaign"])
            .unwrap();
        assert_eq!(m.get_one::<CohortBy>("cohort"), Some(&CohortBy::All));
        let g = m.get_one::<GroupBy>("group-by").unwrap();
        assert_eq!(g.levels(), [Level::Network, Level::Campaign]);
        // an empty list is one total row, as before
        let m = command()
            .try_get_matches_from(["t", "--group-by", ""])
            .unwrap();
        assert!(m
            .get_one::<GroupBy>("group-by")
            .unwrap()
            .levels()
            .is_empty());
        let m = command()
            .try_get_matches_from(["t", "--format", "JSON"])
            .unwrap();
        assert_eq!(
            m.get_one::<OutputFormat>("format"),
            Some(&OutputFormat::Json)
        );
        for (args, line) in [
            (["t", "--cohort", "fortnight"], "unknown cohort"),
            (
                ["t", "--group-by", "network,adset"],
                "unknown group-by level",
            ),
            (["t", "--format", "xml"], "unknown --format"),
        ] {
            let e = command().try_get_matches_from(args).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidValue);
            assert!(e.to_string().contains(line), "{e}");
        }
    }

    /// `--help` lists the ValueEnum variants.
    #[test]
    fn possible_values_come_from_the_value_enum() {
        let names: Vec<String> = NameParser::<CohortBy>::new()
            .possible_values()
            .unwrap()
            .map(|v| v.get_name().to_string())
            .collect();
        assert_eq!(names, ["all", "day", "week", "month"]);
        let levels = NameParser::<GroupBy, Level>::new()
            .possible_values()
            .unwrap()
            .count();
        assert_eq!(levels, 4);
    }
}
