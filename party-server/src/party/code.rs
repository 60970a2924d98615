//! Party code generation (plan Appendix A): 4 letters without O/I/L, then
//! 4 digits from 2–9. About 1.1 billion codes; the database's unique
//! constraint catches the rare collision and the caller draws again.

use party_protocol::party::{PARTY_CODE_DIGITS, PARTY_CODE_LETTERS, PartyCode};
use rand::Rng;
use rand::seq::IndexedRandom;

pub fn generate(rng: &mut impl Rng) -> PartyCode {
    let letters = PARTY_CODE_LETTERS.as_bytes();
    let digits = PARTY_CODE_DIGITS.as_bytes();
    let mut code = String::with_capacity(8);
    for _ in 0..4 {
        code.push(char::from(*letters.choose(rng).unwrap_or(&b'A')));
    }
    for _ in 0..4 {
        code.push(char::from(*digits.choose(rng).unwrap_or(&b'2')));
    }
    // Built from the allowed alphabets, so it always parses.
    PartyCode::parse(&code).unwrap_or_else(|_| unreachable!("generated code {code} is valid"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn generated_codes_parse_and_vary() {
        let mut rng = StdRng::seed_from_u64(7);
        let codes: std::collections::HashSet<String> = (0..200)
            .map(|_| generate(&mut rng).as_str().to_owned())
            .collect();
        assert!(codes.len() > 195);
        for c in &codes {
            assert_eq!(PartyCode::parse(&c.to_lowercase()).unwrap().as_str(), c);
        }
    }
}
