//! `ltv attribute` and `ltv pagerank` end to end.
#![cfg(feature = "cli")]

mod common;

use std::process::Command;

use common::cli::{ltv, ok, stderr, write};

/// `ltv attribute --matches m --payments p --method method`.
fn attribute(m: &str, p: &str, method: &str) -> Command {
    let mut cmd = ltv();
    cmd.args([
        "attribute",
        "--matches",
        m,
        "--payments",
        p,
        "--method",
        method,
    ]);
    cmd
}

fn cents(s: &str) -> i64 {
    let (a, b) = s.split_once('.').unwrap();
    a.parse::<i64>().unwrap() * 100 + b.parse::<i64>().unwrap()
}

const MATCHES: &str = "user_a,user_b,time,weight\n\
    ann,bob,2024-01-01,1\n\
    ann,cat,2024-01-05,2\n\
    bob,dan,2024-01-06,1\n\
    eve,ann,2024-02-01,1\n";

const PAYMENTS: &str = "user_id,time,amount\n\
    ann,2024-01-03,9.99\n\
    ann,2024-01-10,19.99\n\
    bob,2024-01-07,4.50\n\
    fay,2024-01-07,3.00\n";

#[test]
fn attribute_writes_credits_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", MATCHES);
    let p = write(dir.path(), "p.csv", PAYMENTS);
    for method in ["pagerank", "shapley-shared", "shapley-availability"] {
        let out = dir.path().join(format!("{method}.csv"));
        let run = attribute(&m, &p, method)
            .args(["--lookback-days", "30", "--output"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{method}");
        let text = std::fs::read_to_string(&out).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("user_id,paid,credit"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let users: Vec<&str> = rows.iter().map(|r| r[0]).collect();
        assert_eq!(users, ["ann", "bob", "cat", "dan", "eve", "fay"]);
        let paid: i64 = rows.iter().map(|r| cents(r[1])).sum();
        let credit: i64 = rows.iter().map(|r| cents(r[2])).sum();
        assert_eq!(paid, 999 + 1999 + 450 + 300);
        assert_eq!(credit, paid, "{method}: credits add up to revenue");
        // eve matched ann after all of ann's payments: no credit
        assert_eq!(rows[4][2], "0.00", "{method}");
        // fay paid with no match: keeps it all
        assert_eq!(rows[5][2], "3.00", "{method}");
    }
}

#[test]
fn attribute_shared_values() {
    // One payment of 10.00 by ann with two equal-weight earlier matches: each match carries
    // 5.00, split in half → ann 5.00, bob 2.50, cat 2.50.
    let dir = tempfile::tempdir().unwrap();
    let m = write(
        dir.path(),
        "m.csv",
        "user_a,user_b,time\nann,bob,2024-01-01\nann,cat,2024-01-02\n",
    );
    let p = write(
        dir.path(),
        "p.csv",
        "user_id,time,amount\nann,2024-01-03,10\n",
    );
    let out = attribute(&m, &p, "shapley-shared").output().unwrap();
    assert_eq!(
        ok(out),
        "user_id,paid,credit\nann,10.00,5.00\nbob,0.00,2.50\ncat,0.00,2.50\n"
    );
}

#[test]
fn until_cuts_the_logs_at_the_end_of_a_day() {
    // as of 2024-01-07: ann's 01-10 payment and eve's 02-01 match are left out
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", MATCHES);
    let p = write(dir.path(), "p.csv", PAYMENTS);
    for method in ["pagerank", "shapley-shared", "shapley-availability"] {
        let run = attribute(&m, &p, method)
            .args(["--until", "2024-01-07"])
            .output()
            .unwrap();
        let log = stderr(&run);
        let text = ok(run);
        assert!(
            log.contains("1 later matches and 1 later payments left out"),
            "{log}"
        );
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        let users: Vec<&str> = rows.iter().map(|r| r[0]).collect();
        assert_eq!(users, ["ann", "bob", "cat", "dan", "fay"], "{method}");
        // 9.99 + 4.50 + 3.00: the 01-07 payments count (the whole day), 01-10 does not
        let credit: i64 = rows.iter().map(|r| cents(r[2])).sum();
        assert_eq!(credit, 1749, "{method}");
    }
    // a time that is not one
    let run = attribute(&m, &p, "pagerank")
        .args(["--until", "soon"])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(stderr(&run).contains("--until"));
}

#[test]
fn attribute_bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let m = write(dir.path(), "m.csv", MATCHES);
    let p = write(
        dir.path(),
        "p.csv",
        "user_id,time,amount\nann,2024-01-03,-1\n",
    );
    let out = attribute(&m, &p, "pagerank").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 2") && err.contains("amount"), "{err}");
    let out = attribute(&m, &p, "magic").output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn pagerank_writes_scores() {
    let dir = tempfile::tempdir().unwrap();
    // undirected star, hub h with 3 leaves: hub (1 + 3α)/(4(1 + α))
    let e = write(dir.path(), "e.csv", "source,target\nh,a\nh,b\nc,h\n");
    let out = ltv()
        .args([
            "pagerank",
            "--edges",
            &e,
            "--undirected",
            "--damping",
            "0.5",
            "--tol",
            "1e-14",
        ])
        .output()
        .unwrap();
    let text = ok(out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("node,score"));
    let rows: Vec<(String, f64)> = lines
        .map(|l| {
            let (n, s) = l.split_once(',').unwrap();
            (n.to_string(), s.parse().unwrap())
        })
        .collect();
    assert_eq!(rows[0].0, "h");
    assert!((rows[0].1 - 2.5 / 6.0).abs() < 1e-12);
    assert!((rows.iter().map(|r| r.1).sum::<f64>() - 1.0).abs() < 1e-12);

    // personalization on a: with α = 0 the scores are the personalization
    let p = write(dir.path(), "p.csv", "node,value\na,2\nb,2\n");
    let out = ltv()
        .args([
            "pagerank",
            "--edges",
            &e,
            "--personalization",
            &p,
            "--damping",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(ok(out), "node,score\nh,0\na,0.5\nb,0.5\nc,0\n");
}

#[test]
fn pagerank_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = write(
        dir.path(),
        "e.csv",
        "source,target,weight\na,b,1\nb,c,NaN\n",
    );
    let out = ltv().args(["pagerank", "--edges", &e]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 3"));
    let e = write(dir.path(), "e2.csv", "source,target\na,b\n");
    let p = write(dir.path(), "p.csv", "node,value\nzed,1\n");
    // a personalization node without edges is an isolated node (issue 11 item 7, as networkx)
    let out = ltv()
        .args(["pagerank", "--edges", &e, "--personalization", &p])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("zed,"));
    let out = ltv()
        .args([
            "pagerank",
            "--edges",
            &e,
            "--max-iter",
            "2",
            "--tol",
            "1e-15",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did not converge"));
}
