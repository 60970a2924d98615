//! Flipcoins (FC), the in-game currency.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// An amount of flipcoins. Signed, because session results report net
/// earnings that can be negative; balances themselves are kept non-negative
/// by the server and its database.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Coins(i64);

impl Coins {
    pub const ZERO: Coins = Coins(0);

    pub const fn new(amount: i64) -> Self {
        Self(amount)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// `floor(self × numerator / denominator)` for non-negative inputs, computed
    /// in 128 bits so it cannot overflow. Returns zero for a zero denominator.
    #[must_use]
    pub fn mul_div_floor(self, numerator: i64, denominator: i64) -> Coins {
        if denominator == 0 {
            return Coins::ZERO;
        }
        let value = i128::from(self.0) * i128::from(numerator) / i128::from(denominator);
        Coins(value as i64)
    }
}

impl fmt::Display for Coins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} FC", self.0)
    }
}

impl Add for Coins {
    type Output = Coins;
    fn add(self, rhs: Coins) -> Coins {
        Coins(self.0 + rhs.0)
    }
}

impl AddAssign for Coins {
    fn add_assign(&mut self, rhs: Coins) {
        self.0 += rhs.0;
    }
}

impl Sub for Coins {
    type Output = Coins;
    fn sub(self, rhs: Coins) -> Coins {
        Coins(self.0 - rhs.0)
    }
}

impl SubAssign for Coins {
    fn sub_assign(&mut self, rhs: Coins) {
        self.0 -= rhs.0;
    }
}

impl Neg for Coins {
    type Output = Coins;
    fn neg(self) -> Coins {
        Coins(-self.0)
    }
}

impl Sum for Coins {
    fn sum<I: Iterator<Item = Coins>>(iter: I) -> Coins {
        Coins(iter.map(Coins::get).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_div_floor_rounds_down() {
        assert_eq!(Coins::new(190).mul_div_floor(3, 7), Coins::new(81));
        assert_eq!(Coins::new(190).mul_div_floor(2, 7), Coins::new(54));
        assert_eq!(Coins::new(10).mul_div_floor(1, 0), Coins::ZERO);
    }

    #[test]
    fn coins_are_plain_numbers_on_the_wire() {
        assert_eq!(serde_json::to_string(&Coins::new(5000)).unwrap(), "5000");
    }
}
