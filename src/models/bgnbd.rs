//! BG/NBD (Fader, Hardie & Lee 2005). Work in progress: likelihood only.

mod likelihood;
#[allow(unused_imports)]
pub(crate) use likelihood::BgNbdLikelihood;

#[cfg(test)]
mod tests;
