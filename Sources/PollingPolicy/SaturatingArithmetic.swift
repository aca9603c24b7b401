extension Int64 {
    /// `self * factor`, or `Int64.max` where C would overflow.
    ///
    /// QEMU multiplies poll_ns by poll-grow without a bound, and poll-grow has no upper limit (reference §7), so a
    /// huge poll-grow is signed overflow (undefined behaviour) in C. Every caller immediately clamps the product to
    /// poll-max-ns, so saturating gives the only sensible reading: "grew past the cap". [INFER]
    @inlinable
    func saturatingMultiplied(by factor: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        guard overflow else { return product }
        return (factor < 0) != (self < 0) ? .min : .max
    }

    /// `self + other`, or `Int64.max` where C would overflow (idle accumulation with a huge poll-max-ns, deadlines
    /// near the end of time).
    @inlinable
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : sum
    }
}
