//! Vector bin-packing instances: identical bins with a capacity per dimension, items with a size
//! per dimension. Reads and writes the format of the shared benchmark data:
//!
//! ```text
//! capacity            (1-D)          cap_dim1 cap_dim2      (2-D)
//! n                                  n
//! size_1                             size1_1 size2_1
//! ...                                ...
//! ```

use thiserror::Error;

/// A bin-packing instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Capacity of every bin, per dimension.
    pub capacity: Vec<i64>,
    /// Item sizes, per item and dimension.
    pub items: Vec<Vec<i64>>,
}

/// Why an instance cannot be read.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum InstanceError {
    /// A line is missing or not made of non-negative integers.
    #[error("line {line}: {message}")]
    Format {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An item does not fit an empty bin.
    #[error("item {item} does not fit an empty bin")]
    Oversized {
        /// 0-based item index.
        item: usize,
    },
}

fn numbers(line: &str, number: usize) -> Result<Vec<i64>, InstanceError> {
    line.split_whitespace()
        .map(|token| {
            token
                .parse::<i64>()
                .ok()
                .filter(|v| *v >= 0)
                .ok_or_else(|| InstanceError::Format {
                    line: number,
                    message: format!("`{token}` is not a non-negative integer"),
                })
        })
        .collect()
}

impl Instance {
    /// Parses the benchmark format.
    pub fn parse(text: &str) -> Result<Instance, InstanceError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let mut next = |what: &str| {
            lines.next().ok_or_else(|| InstanceError::Format {
                line: 0,
                message: format!("missing {what}"),
            })
        };
        let (i, capacity_line) = next("the capacity line")?;
        let capacity = numbers(capacity_line, i + 1)?;
        if capacity.is_empty() || capacity.iter().any(|c| *c <= 0) {
            return Err(InstanceError::Format {
                line: i + 1,
                message: "capacities must be positive".into(),
            });
        }
        let (i, count_line) = next("the item count")?;
        let count = match numbers(count_line, i + 1)?.as_slice() {
            [n] => *n as usize,
            _ => {
                return Err(InstanceError::Format {
                    line: i + 1,
                    message: "expected the number of items".into(),
                });
            }
        };
        let mut items = Vec::with_capacity(count);
        for k in 0..count {
            let (i, line) = next(&format!("item {k}"))?;
            let sizes = numbers(line, i + 1)?;
            if sizes.len() != capacity.len() {
                return Err(InstanceError::Format {
                    line: i + 1,
                    message: format!("expected {} sizes", capacity.len()),
                });
            }
            if sizes.iter().zip(&capacity).any(|(s, c)| s > c) {
                return Err(InstanceError::Oversized { item: k });
            }
            items.push(sizes);
        }
        Ok(Instance { capacity, items })
    }

    /// Number of dimensions.
    pub fn dimensions(&self) -> usize {
        self.capacity.len()
    }

    /// The same instance with each dimension divided by the gcd of its item sizes (capacity
    /// rounded down): exactly the same packings fit, and sizes in bytes or millicores become
    /// small numbers (128Mi steps on a 64Gi node: capacity 512).
    pub fn reduced(&self) -> Instance {
        let gcd = |a: i64, b: i64| {
            let (mut a, mut b) = (a.abs(), b.abs());
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        let divisors: Vec<i64> = (0..self.dimensions())
            .map(|d| self.items.iter().fold(0, |g, item| gcd(g, item[d])).max(1))
            .collect();
        Instance {
            capacity: self
                .capacity
                .iter()
                .zip(&divisors)
                .map(|(c, g)| c / g)
                .collect(),
            items: self
                .items
                .iter()
                .map(|item| item.iter().zip(&divisors).map(|(s, g)| s / g).collect())
                .collect(),
        }
    }

    /// Whether `indices` fit one bin.
    pub fn fits(&self, indices: &[usize]) -> bool {
        (0..self.dimensions())
            .all(|d| indices.iter().map(|&i| self.items[i][d]).sum::<i64>() <= self.capacity[d])
    }

    /// Whether `packing` holds every item exactly once in bins that respect the capacity.
    pub fn is_valid_packing(&self, packing: &[Vec<usize>]) -> bool {
        let mut seen = vec![false; self.items.len()];
        for bin in packing {
            if !self.fits(bin) {
                return false;
            }
            for &i in bin {
                if i >= seen.len() || seen[i] {
                    return false;
                }
                seen[i] = true;
            }
        }
        seen.into_iter().all(|s| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_by_the_gcd_keeps_exactly_the_same_packings() {
        // 256Mi, 512Mi, 768Mi on a 1Gi + 1 byte node: gcd 256Mi, capacity 4 (the byte rounds off).
        let mi = 1 << 20;
        let instance = Instance {
            capacity: vec![4000, 1024 * mi + 1],
            items: vec![
                vec![500, 256 * mi],
                vec![1500, 512 * mi],
                vec![1000, 768 * mi],
            ],
        };
        let reduced = instance.reduced();
        assert_eq!(reduced.capacity, vec![8, 4]);
        assert_eq!(reduced.items, vec![vec![1, 1], vec![3, 2], vec![2, 3]]);
        for bin in [vec![0, 1], vec![0, 2], vec![1, 2], vec![0, 1, 2]] {
            assert_eq!(instance.fits(&bin), reduced.fits(&bin), "{bin:?}");
        }
    }

    #[test]
    fn parses_both_formats_and_rejects_bad_input() {
        let one = Instance::parse("10\n3\n4\n6\n5\n").unwrap();
        assert_eq!(one.capacity, [10]);
        assert_eq!(one.items, [[4], [6], [5]]);
        let two = Instance::parse("10 20\n2\n4 5\n6 15\n").unwrap();
        assert_eq!(two.dimensions(), 2);
        assert!(two.is_valid_packing(&[vec![0, 1]]));
        assert!(!two.is_valid_packing(&[vec![0], vec![0, 1]]));
        assert!(matches!(
            Instance::parse("10\n2\n4\n"),
            Err(InstanceError::Format { .. })
        ));
        assert_eq!(
            Instance::parse("10\n1\n11\n"),
            Err(InstanceError::Oversized { item: 0 })
        );
        assert!(matches!(
            Instance::parse("10\n1\nx\n"),
            Err(InstanceError::Format { line: 3, .. })
        ));
    }
}
