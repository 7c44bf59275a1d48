// SPDX-License-Identifier: MIT
#include "histogram.h"

#include <algorithm>
#include <cmath>

namespace bench {

int Histogram::bucketOf(int64_t value)
{
    value = std::clamp<int64_t>(value, 0, MaxValue);
    if (value < 2 * SubBuckets)
        return int(value);
    const int msb = 63 - __builtin_clzll(uint64_t(value));
    const int shift = msb - 6; // value >> shift lies in [64, 127]
    return SubBuckets * shift + int(value >> shift);
}

int64_t Histogram::bucketLow(int bucket)
{
    if (bucket < 2 * SubBuckets)
        return bucket;
    const int shift = bucket / SubBuckets - 1;
    return int64_t(bucket - SubBuckets * shift) << shift;
}

int64_t Histogram::bucketWidth(int bucket)
{
    return bucket < 2 * SubBuckets ? 1 : int64_t(1) << (bucket / SubBuckets - 1);
}

void Histogram::record(int64_t valueUs)
{
    valueUs = std::clamp<int64_t>(valueUs, 0, MaxValue);
    ++m_counts[bucketOf(valueUs)];
    ++m_count;
    m_sum += valueUs;
    m_max = std::max(m_max, valueUs);
    m_min = std::min(m_min, valueUs);
}

void Histogram::merge(const Histogram &other)
{
    for (int i = 0; i < Buckets; ++i)
        m_counts[i] += other.m_counts[i];
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_max = std::max(m_max, other.m_max);
    m_min = std::min(m_min, other.m_min);
}

int64_t Histogram::percentile(double p) const
{
    if (m_count == 0)
        return 0;
    const auto rank = std::max<uint64_t>(1, uint64_t(std::ceil(p / 100.0 * double(m_count))));
    if (rank >= m_count)
        return m_max;
    uint64_t seen = 0;
    for (int i = 0; i < Buckets; ++i) {
        seen += m_counts[i];
        if (seen >= rank)
            return std::clamp(bucketLow(i) + bucketWidth(i) / 2, m_min, m_max);
    }
    return m_max;
}

} // namespace bench
