// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace bench {

//! \brief A log-linear latency histogram of microsecond values (64 sub-buckets per power of
//! two, so a percentile is within 1.6 % of the true value), with the exact maximum.
//!
//! It is trivially copyable on purpose: workers send it to the coordinator as raw bytes.
class Histogram
{
public:
    static constexpr int SubBuckets = 64;
    static constexpr int Buckets = SubBuckets * 36; //!< values up to 2^41 µs
    static constexpr int64_t MaxValue = (int64_t(1) << 41) - 1;

    void record(int64_t valueUs);
    void merge(const Histogram &other);
    void clear() { *this = Histogram(); }

    uint64_t count() const { return m_count; }
    int64_t max() const { return m_count ? m_max : 0; }
    int64_t min() const { return m_count ? m_min : 0; }
    double mean() const { return m_count ? double(m_sum) / double(m_count) : 0.0; }
    //! The value at percentile \a p (0..100]: the middle of its bucket, never above max().
    int64_t percentile(double p) const;

    static int bucketOf(int64_t value);
    static int64_t bucketLow(int bucket);
    static int64_t bucketWidth(int bucket);

private:
    uint64_t m_counts[Buckets] = {};
    uint64_t m_count = 0;
    int64_t m_sum = 0;
    int64_t m_max = 0;
    int64_t m_min = std::numeric_limits<int64_t>::max();
};

static_assert(std::is_trivially_copyable_v<Histogram>);

} // namespace bench
