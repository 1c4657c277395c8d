//! Deterministic fork-join helpers: rayon under feature `parallel`, plain loops otherwise.
//!
//! Work is cut into chunks of a fixed size that does not depend on the number of threads, and
//! per-chunk results come back in chunk order, so floating-point reductions done by the caller
//! give the same bits with 1 thread or 64.

/// Runs `f(chunk_start, a_chunk, b_chunk)` over matching fixed-size chunks of `a` and `b`
/// (which must have the same length) and returns the results in chunk order.
pub(crate) fn zip_chunks_map<A, B, R, F>(a: &mut [A], b: &mut [B], chunk: usize, f: F) -> Vec<R>
where
    A: Send,
    B: Send,
    R: Send,
    F: Fn(usize, &mut [A], &mut [B]) -> R + Sync + Send,
{
    debug_assert_eq!(a.len(), b.len());
    let chunk = chunk.max(1);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if a.len() > chunk {
            return a
                .par_chunks_mut(chunk)
                .zip(b.par_chunks_mut(chunk))
                .enumerate()
                .map(|(i, (ca, cb))| f(i * chunk, ca, cb))
                .collect();
        }
    }
    a.chunks_mut(chunk)
        .zip(b.chunks_mut(chunk))
        .enumerate()
        .map(|(i, (ca, cb))| f(i * chunk, ca, cb))
        .collect()
}

/// Runs `f(task)` for `task in 0..tasks` and returns the results in task order.
pub(crate) fn map_tasks<R, F>(tasks: usize, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if tasks > 1 {
            return (0..tasks).into_par_iter().map(f).collect();
        }
    }
    (0..tasks).map(f).collect()
}
