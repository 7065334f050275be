#pragma once

namespace deploysim {

/// Natural logarithm computed with IEEE basic operations only (+ - * / and exact frexp), so
/// it returns the same bits on every platform and compiler, unlike libm's log. Error < 2 ulp.
double det_log(double x);

/// e^x computed with IEEE basic operations only (and exact ldexp); same bits everywhere.
double det_exp(double x);

}  // namespace deploysim
