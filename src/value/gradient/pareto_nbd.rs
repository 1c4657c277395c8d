//! Parameter derivatives of the Pareto/NBD conditional expectation (Fader & Hardie 2005,
//! eq. 41), all closed-form.
//!
//! With `A = α+T`, `B = β+T`, `ε = s − 1` and `L = ln(B/(B+t))`,
//!
//! ```text
//! E(t) = P(alive) · (r+x) B / A · g(ε, L),     g(ε, L) = (1 − e^{εL}) / ε   (→ −L at ε = 0),
//! ∂g/∂L = −e^{εL},                             ∂g/∂ε  = L² h(εL),   h(w) = (e^w (1−w) − 1)/w².
//! ```
//!
//! `P(alive) = Γ(r+x) α^r β^s / (Γ(r) A^{r+x} B^s) / L(θ | x, t_x, T)` (eq. 36–37), so
//! `∂ ln P(alive)/∂θ` is the gradient of the logarithm of the numerator,
//!
//! ```text
//! (ψ(r+x) − ψ(r) + ln α − ln A,   r/α − (r+x)/A,   ln β − ln B,   s/β − s/B),
//! ```
//!
//! minus the analytic log-likelihood gradient `∂ ln L/∂θ` the fit already uses
//! ([`ParetoNbd::log_likelihood_gradient_one`]). Then
//!
//! ```text
//! ∂E/∂r = E (∂_r ln P + 1/(r+x)),          ∂E/∂α = E (∂_α ln P − 1/A),
//! ∂E/∂s = E ∂_s ln P + P (r+x) B/A · ∂g/∂ε,
//! ∂E/∂β = E (∂_β ln P + 1/B) + P (r+x) B/A · ∂g/∂L · t / (B (B+t)).
//! ```

use super::{check_buffers, finite_all, h_expm1, PurchasesGradient};
use crate::error::Result;
use crate::models::pareto_nbd::ParetoNbd;
use crate::special::digamma;

impl PurchasesGradient for ParetoNbd {
    fn conditional_expected_purchases_path_gradient_one(
        &self,
        horizons: &[f64],
        frequency: f64,
        recency: f64,
        t_age: f64,
        values: &mut [f64],
        gradient: &mut [f64],
    ) -> Result<()> {
        check_buffers(horizons, values, gradient, 4)?;
        // one likelihood evaluation gives P(alive) and ∂ ln L
        let (p_alive, d_ln_l) = self.alive_and_gradient_one(frequency, recency, t_age)?;
        self.conditional_expected_purchases_path_given_alive(
            p_alive, horizons, frequency, t_age, values,
        )?;
        let (r, alpha, s, beta) = (self.r(), self.alpha(), self.s(), self.beta());
        let x = frequency;
        let big_a = alpha + t_age;
        let big_b = beta + t_age;
        let digamma_diff = if x == 0.0 {
            0.0
        } else {
            digamma(r + x) - digamma(r)
        };
        let d_ln_p = [
            digamma_diff + (alpha / big_a).ln() - d_ln_l[0],
            r / alpha - (r + x) / big_a - d_ln_l[1],
            (beta / big_b).ln() - d_ln_l[2],
            s / beta - s / big_b - d_ln_l[3],
        ];
        let scale = p_alive * (r + x) * big_b / big_a;
        let eps = s - 1.0;
        for (h, &t) in horizons.iter().enumerate() {
            let e = values[h];
            let l = (big_b / (big_b + t)).ln();
            let dg_de = l * l * h_expm1(eps * l);
            let dg_dl = -(eps * l).exp();
            let row = &mut gradient[h * 4..(h + 1) * 4];
            row[0] = e * (d_ln_p[0] + 1.0 / (r + x));
            row[1] = e * (d_ln_p[1] - 1.0 / big_a);
            row[2] = e * d_ln_p[2] + scale * dg_de;
            row[3] = e * (d_ln_p[3] + 1.0 / big_b) + scale * dg_dl * t / (big_b * (big_b + t));
            finite_all("Pareto/NBD expected purchases gradient", row, x, t_age)?;
        }
        Ok(())
    }
}
