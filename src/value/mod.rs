//! Customer lifetime value: expected purchases × expected spend, discounted, with intervals.
