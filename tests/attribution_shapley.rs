//! Exact Shapley values of textbook games, checked against their published fractions.
//!
//! Each expected value is a fraction given in issue 5 (and derivable by hand: sources in the
//! comments). Exact enumeration sums at most 2^4 terms of small integers, so it must agree
//! with the fraction to 1e-12; the closed forms likewise. Monte Carlo and stratified estimates
//! must lie within 3 standard errors (fixed seeds).

use ltv::attribution::{
    exact_shapley, AvailabilityGame, ChannelAttribution, Coalition, Game, PermutationSampling,
    SharedMatchGame, StratifiedSampling, TableGame,
};

const EXACT: f64 = 1e-12;

fn frac(p: i64, q: i64) -> f64 {
    p as f64 / q as f64
}

fn assert_fracs(got: &[f64], want: &[(i64, i64)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &(p, q))) in got.iter().zip(want).enumerate() {
        assert!(
            (g - frac(p, q)).abs() < EXACT,
            "{what}: player {i} got {g}, want {p}/{q}"
        );
    }
}

/// Checks the sampling estimators against the exact values: within 3 standard errors.
fn assert_sampling_agrees<G: Game>(game: &G, exact: &[f64], what: &str) {
    let mc = PermutationSampling::new(2024)
        .max_draws(4000)
        .estimate(game)
        .unwrap();
    let st = StratifiedSampling::new(2024)
        .max_samples(20_000)
        .estimate(game)
        .unwrap();
    for est in [&mc, &st] {
        for (i, &x) in exact.iter().enumerate() {
            let se = est.std_errors[i];
            assert!(
                (est.values[i] - x).abs() <= 3.0 * se + 1e-9,
                "{what}: player {i}: {} vs {x} (se {se})",
                est.values[i],
            );
        }
    }
}

/// Glove game: left-glove holders `0..left`, right `left..left+right`; a pair is worth 1.
struct Gloves {
    left: usize,
    right: usize,
}

impl Game for Gloves {
    fn player_count(&self) -> usize {
        self.left + self.right
    }
    fn value(&self, s: &Coalition) -> f64 {
        let l = (0..self.left).filter(|&i| s.contains(i)).count();
        let r = (self.left..self.left + self.right)
            .filter(|&i| s.contains(i))
            .count();
        l.min(r) as f64
    }
}

#[test]
fn glove_games() {
    // one left, two right: (2/3, 1/6, 1/6)
    let g = Gloves { left: 1, right: 2 };
    let phi = exact_shapley(&g).unwrap();
    assert_fracs(&phi, &[(2, 3), (1, 6), (1, 6)], "glove 1/2");
    assert_sampling_agrees(&g, &phi, "glove 1/2");
    // The availability game with one payment is the same glove game.
    let avail = AvailabilityGame::new(3, &[(0, 1.0, vec![1, 2])]).unwrap();
    assert_fracs(
        &avail.shapley(),
        &[(2, 3), (1, 6), (1, 6)],
        "availability 1/2",
    );
    // two left, three right: 13/20 each left, 7/30 each right
    let g = Gloves { left: 2, right: 3 };
    let phi = exact_shapley(&g).unwrap();
    assert_fracs(
        &phi,
        &[(13, 20), (13, 20), (7, 30), (7, 30), (7, 30)],
        "glove 2/3",
    );
    assert_sampling_agrees(&g, &phi, "glove 2/3");
}

/// Airport game (Littlechild & Owen 1973): a runway costs the largest need of its users.
struct Airport(Vec<f64>);

impl Game for Airport {
    fn player_count(&self) -> usize {
        self.0.len()
    }
    fn value(&self, s: &Coalition) -> f64 {
        s.members().map(|i| self.0[i]).fold(0.0, f64::max)
    }
}

#[test]
fn airport_game() {
    // costs (1, 2, 4, 8): (1/4, 7/12, 19/12, 67/12)
    let g = Airport(vec![1.0, 2.0, 4.0, 8.0]);
    let phi = exact_shapley(&g).unwrap();
    assert_fracs(&phi, &[(1, 4), (7, 12), (19, 12), (67, 12)], "airport");
    assert_sampling_agrees(&g, &phi, "airport");
}

#[test]
fn induced_subgraph_game() {
    // edges 01:10, 12:4, 02:6, 23:2 → (8, 7, 6, 1), each edge split in half (Deng &
    // Papadimitriou 1994)
    let g = SharedMatchGame::new(
        4,
        &[(0, 1, 10.0), (1, 2, 4.0), (0, 2, 6.0), (2, 3, 2.0)],
        None,
    )
    .unwrap();
    let want = [(8, 1), (7, 1), (6, 1), (1, 1)];
    assert_fracs(
        &exact_shapley(&g).unwrap(),
        &want,
        "induced subgraph (exact)",
    );
    assert_fracs(&g.shapley(), &want, "induced subgraph (closed form)");
    assert_sampling_agrees(&g, &g.shapley(), "induced subgraph");
}

/// Maximum-matching game on a graph: v(S) = size of a maximum matching of the induced
/// subgraph (brute force over edge subsets; tiny graphs only).
struct MaxMatching {
    n: usize,
    edges: Vec<(usize, usize)>,
}

impl Game for MaxMatching {
    fn player_count(&self) -> usize {
        self.n
    }
    fn value(&self, s: &Coalition) -> f64 {
        let inside: Vec<_> = self
            .edges
            .iter()
            .filter(|(a, b)| s.contains(*a) && s.contains(*b))
            .collect();
        let mut best = 0;
        for mask in 0u32..1 << inside.len() {
            let mut used = 0u64;
            let mut ok = true;
            for (k, (a, b)) in inside.iter().enumerate() {
                if mask >> k & 1 == 1 {
                    if used >> a & 1 == 1 || used >> b & 1 == 1 {
                        ok = false;
                        break;
                    }
                    used |= 1 << a | 1 << b;
                }
            }
            if ok {
                best = best.max(mask.count_ones());
            }
        }
        f64::from(best)
    }
}

#[test]
fn maximum_matching_games() {
    // path A–B–C: (1/6, 2/3, 1/6)
    let g = MaxMatching {
        n: 3,
        edges: vec![(0, 1), (1, 2)],
    };
    let phi = exact_shapley(&g).unwrap();
    assert_fracs(&phi, &[(1, 6), (2, 3), (1, 6)], "matching A-B-C");
    assert_sampling_agrees(&g, &phi, "matching A-B-C");
    // path A–B–C–D: (5/12, 7/12, 7/12, 5/12)
    let g = MaxMatching {
        n: 4,
        edges: vec![(0, 1), (1, 2), (2, 3)],
    };
    let phi = exact_shapley(&g).unwrap();
    assert_fracs(
        &phi,
        &[(5, 12), (7, 12), (7, 12), (5, 12)],
        "matching A-B-C-D",
    );
    assert_sampling_agrees(&g, &phi, "matching A-B-C-D");
}

#[test]
fn party_game() {
    // players W, M, H (bits 0, 1, 2): v(W)=10, v(M)=8, v(H)=0, v(WM)=20, v(WH)=25, v(MH)=20,
    // v(WMH)=40 → (97/6, 38/3, 67/6): the healer, worth nothing alone, gets 11.17
    let g = TableGame::new(3, vec![0.0, 10.0, 8.0, 20.0, 0.0, 25.0, 20.0, 40.0]).unwrap();
    let phi = exact_shapley(&g).unwrap();
    assert_fracs(&phi, &[(97, 6), (38, 3), (67, 6)], "party");
    assert!((phi[2] - 11.17).abs() < 0.005);
    assert_sampling_agrees(&g, &phi, "party");
}

#[test]
fn simplified_shapley_channels() {
    // R(A)=10, R(AB)=6, R(BC)=3, R(ABC)=12, R(C)=2 → (17, 8.5, 7.5) (Zhao et al. 2018)
    let mut paths = ChannelAttribution::new();
    paths.add_path(&["A"], 10.0).unwrap();
    paths.add_path(&["A", "B"], 6.0).unwrap();
    paths.add_path(&["B", "C", "B"], 3.0).unwrap(); // repeats collapse to the set {B, C}
    paths.add_path(&["C", "A", "B"], 12.0).unwrap();
    paths.add_path(&["C"], 2.0).unwrap();
    let phi = paths.shapley();
    let names: Vec<&str> = phi.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(names, ["A", "B", "C"]);
    let values: Vec<f64> = phi.iter().map(|(_, v)| *v).collect();
    assert_fracs(&values, &[(17, 1), (17, 2), (15, 2)], "simplified Shapley");
    // the closed form is the Shapley value of the path game
    assert_fracs(
        &exact_shapley(&paths.game()).unwrap(),
        &[(17, 1), (17, 2), (15, 2)],
        "path game (exact)",
    );
}

#[test]
fn availability_closed_form_cases() {
    // payer 0 with k = 3 partners and r = 12: payer 12·3/4 = 9, partners 12/12 = 1 each;
    // payer 4 alone keeps 5; payer 1 with partner 0 and r = 2: 1 each.
    let g = AvailabilityGame::new(
        5,
        &[
            (0, 12.0, vec![1, 2, 3]),
            (4, 5.0, vec![]),
            (1, 2.0, vec![0]),
        ],
    )
    .unwrap();
    let want = [(10, 1), (2, 1), (1, 1), (1, 1), (5, 1)];
    assert_fracs(&g.shapley(), &want, "availability (closed form)");
    assert_fracs(&exact_shapley(&g).unwrap(), &want, "availability (exact)");
}
