// SPDX-License-Identifier: MIT
#pragma once

namespace bench {

//! Checks the generator's own codecs against known answers; prints each failure. Returns 0
//! when all pass, 1 otherwise.
int runSelfTest();

} // namespace bench
