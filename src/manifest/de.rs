//! A serde deserializer over [`YamlNode`] trees that reports the position and the field path of
//! every error (`spec.template.spec.containers[0].resources.requests.cpu`).
//!
//! It reads values the way the Kubernetes API server's JSON decoding does where that matters:
//! a null collection is an empty one, a bare scalar read as a string is the text written, and a
//! field whose name differs from a known field only by case is read as that field (Go's
//! `encoding/json` matches case-insensitively), with a warning.

use std::cell::RefCell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};

use super::tree::{Position, YamlNode, YamlValue, is_null_text};

/// An error while reading a document into a typed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// What is wrong.
    pub message: String,
    /// Where (the innermost node involved).
    pub position: Option<Position>,
    /// The field path from the document root.
    pub path: Option<String>,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

impl de::Error for FieldError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        FieldError {
            message: msg.to_string(),
            position: None,
            path: None,
        }
    }
}

/// A field written with the wrong case, read as the field it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMismatch {
    /// Path of the field as written.
    pub path: String,
    /// The API's spelling.
    pub expected: &'static str,
    /// Where the key was written.
    pub position: Position,
}

/// A segment of the path from the root to the node being read.
#[derive(Clone, Copy)]
pub enum PathSegment<'a> {
    /// The document root.
    Root,
    /// A mapping value under `key`.
    Key(&'a PathSegment<'a>, &'a str),
    /// A sequence item.
    Index(&'a PathSegment<'a>, usize),
}

impl fmt::Display for PathSegment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Root => Ok(()),
            PathSegment::Key(parent, key) => {
                let simple = key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                match (matches!(parent, PathSegment::Root), simple) {
                    (true, true) => write!(f, "{key}"),
                    (false, true) => write!(f, "{parent}.{key}"),
                    (_, false) => write!(f, "{parent}[{key}]"),
                }
            }
            PathSegment::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Reads `node` into `T`, collecting case-mismatch warnings into `warnings`.
pub fn from_node<'a, T: de::Deserialize<'a>>(
    node: &'a YamlNode,
    warnings: &RefCell<Vec<CaseMismatch>>,
) -> Result<T, FieldError> {
    from_node_at(node, &PathSegment::Root, warnings)
}

/// Like [`from_node`] for a node found at `path` (an item of a `List`).
pub fn from_node_at<'a, T: de::Deserialize<'a>>(
    node: &'a YamlNode,
    path: &PathSegment<'_>,
    warnings: &RefCell<Vec<CaseMismatch>>,
) -> Result<T, FieldError> {
    T::deserialize(NodeDeserializer {
        node,
        path,
        warnings,
    })
}

/// The deserializer for one node.
pub struct NodeDeserializer<'a, 'p> {
    node: &'a YamlNode,
    path: &'p PathSegment<'p>,
    warnings: &'p RefCell<Vec<CaseMismatch>>,
}

impl<'a, 'p> NodeDeserializer<'a, 'p> {
    /// Fills in position and path on an error that has none yet (the innermost node wins).
    fn locate(&self, mut error: FieldError) -> FieldError {
        if error.position.is_none() {
            error.position = Some(self.node.position);
        }
        if error.path.is_none() {
            error.path = Some(self.path.to_string());
        }
        error
    }

    fn scalar(&self) -> Option<(&'a str, bool)> {
        match &self.node.value {
            YamlValue::Scalar { text, plain } => Some((text.as_str(), *plain)),
            _ => None,
        }
    }

    fn kind_name(&self) -> &'static str {
        match &self.node.value {
            YamlValue::Scalar { .. } if self.node.is_null() => "null",
            YamlValue::Scalar { .. } => "a scalar",
            YamlValue::Sequence(_) => "a list",
            YamlValue::Mapping(_) => "a mapping",
        }
    }

    fn mismatch(&self, expected: &str) -> FieldError {
        self.locate(FieldError::custom(format!(
            "expected {expected}, found {}",
            self.kind_name()
        )))
    }

    fn integer(&self) -> Result<i128, FieldError> {
        match self.scalar() {
            Some((text, true)) => parse_integer(text).ok_or_else(|| {
                self.locate(FieldError::custom(format!(
                    "expected an integer, found `{text}`"
                )))
            }),
            _ => Err(self.mismatch("an integer")),
        }
    }

    fn visit_mapping<V: Visitor<'a>>(
        &self,
        visitor: V,
        fields: &'static [&'static str],
    ) -> Result<V::Value, FieldError> {
        let entries: &'a [(super::tree::YamlKey, YamlNode)] = match &self.node.value {
            YamlValue::Mapping(entries) => entries,
            _ if self.node.is_null() => &[],
            _ => return Err(self.mismatch("a mapping")),
        };
        let access = EntryAccess {
            entries,
            index: 0,
            fields,
            path: self.path,
            warnings: self.warnings,
        };
        visitor.visit_map(access).map_err(|e| self.locate(e))
    }
}

fn parse_integer(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let value = if let Some(hex) = digits.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -value } else { value })
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

macro_rules! deserialize_integer {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
            let value = self.integer()?;
            let narrowed = <$ty>::try_from(value).map_err(|_| {
                self.locate(FieldError::custom(format!(
                    "{value} is out of range for {}",
                    stringify!($ty)
                )))
            })?;
            visitor.$visit(narrowed).map_err(|e| self.locate(e))
        }
    };
}

impl<'a> Deserializer<'a> for NodeDeserializer<'a, '_> {
    type Error = FieldError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        let result = match &self.node.value {
            YamlValue::Scalar { text, plain: true } => {
                if is_null_text(text) {
                    visitor.visit_unit()
                } else if let Some(b) = parse_bool(text) {
                    visitor.visit_bool(b)
                } else if let Some(i) = parse_integer(text).and_then(|i| i64::try_from(i).ok()) {
                    visitor.visit_i64(i)
                } else if let Ok(f) = text.parse::<f64>() {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_str(text)
                }
            }
            YamlValue::Scalar { text, plain: false } => visitor.visit_str(text),
            YamlValue::Sequence(_) => return self.deserialize_seq(visitor),
            YamlValue::Mapping(_) => return self.visit_mapping(visitor, &[]),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        match self.scalar() {
            Some((text, true)) => match parse_bool(text) {
                Some(b) => visitor.visit_bool(b).map_err(|e| self.locate(e)),
                None => Err(self.locate(FieldError::custom(format!(
                    "expected true or false, found `{text}`"
                )))),
            },
            _ => Err(self.mismatch("true or false")),
        }
    }

    deserialize_integer!(deserialize_i8, visit_i8, i8);
    deserialize_integer!(deserialize_i16, visit_i16, i16);
    deserialize_integer!(deserialize_i32, visit_i32, i32);
    deserialize_integer!(deserialize_i64, visit_i64, i64);
    deserialize_integer!(deserialize_u8, visit_u8, u8);
    deserialize_integer!(deserialize_u16, visit_u16, u16);
    deserialize_integer!(deserialize_u32, visit_u32, u32);
    deserialize_integer!(deserialize_u64, visit_u64, u64);

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        match self.scalar() {
            Some((text, _)) => match text.parse::<f64>() {
                Ok(f) if f.is_finite() => visitor.visit_f64(f).map_err(|e| self.locate(e)),
                _ => Err(self.locate(FieldError::custom(format!(
                    "expected a number, found `{text}`"
                )))),
            },
            None => Err(self.mismatch("a number")),
        }
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.deserialize_str(visitor)
    }

    /// Any scalar reads as its text; a null reads as the empty string (Go's zero value).
    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        match self.scalar() {
            Some((text, plain)) => {
                let text = if plain && is_null_text(text) {
                    ""
                } else {
                    text
                };
                visitor.visit_borrowed_str(text).map_err(|e| self.locate(e))
            }
            None => Err(self.mismatch("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        if self.node.is_null() {
            visitor.visit_none().map_err(|e| self.locate(e))
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        visitor.visit_unit().map_err(|e| self.locate(e))
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        let items: &'a [YamlNode] = match &self.node.value {
            YamlValue::Sequence(items) => items,
            _ if self.node.is_null() => &[],
            _ => return Err(self.mismatch("a list")),
        };
        let access = ItemAccess {
            items,
            index: 0,
            path: self.path,
            warnings: self.warnings,
        };
        visitor.visit_seq(access).map_err(|e| self.locate(e))
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.visit_mapping(visitor, &[])
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        self.visit_mapping(visitor, fields)
    }

    /// Enums are written as their variant name (`operator: In`).
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        match self.scalar() {
            Some((text, _)) if !self.node.is_null() => {
                let access = de::value::BorrowedStrDeserializer::<'a, FieldError>::new(text);
                visitor.visit_enum(access).map_err(|e| self.locate(e))
            }
            _ => Err(self.mismatch("a name")),
        }
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FieldError> {
        visitor.visit_unit()
    }
}

struct ItemAccess<'a, 'p> {
    items: &'a [YamlNode],
    index: usize,
    path: &'p PathSegment<'p>,
    warnings: &'p RefCell<Vec<CaseMismatch>>,
}

impl<'a> SeqAccess<'a> for ItemAccess<'a, '_> {
    type Error = FieldError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, FieldError> {
        let Some(node) = self.items.get(self.index) else {
            return Ok(None);
        };
        let path = PathSegment::Index(self.path, self.index);
        self.index += 1;
        seed.deserialize(NodeDeserializer {
            node,
            path: &path,
            warnings: self.warnings,
        })
        .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.index)
    }
}

struct EntryAccess<'a, 'p> {
    entries: &'a [(super::tree::YamlKey, YamlNode)],
    index: usize,
    fields: &'static [&'static str],
    path: &'p PathSegment<'p>,
    warnings: &'p RefCell<Vec<CaseMismatch>>,
}

impl EntryAccess<'_, '_> {
    /// The key as the struct knows it: exact, or a case-insensitive match (with a warning).
    fn resolve_key<'k>(&self, key: &'k super::tree::YamlKey) -> &'k str {
        if self.fields.is_empty() || self.fields.contains(&key.text.as_str()) {
            return &key.text;
        }
        match self
            .fields
            .iter()
            .find(|field| field.eq_ignore_ascii_case(&key.text))
        {
            Some(field) => {
                self.warnings.borrow_mut().push(CaseMismatch {
                    path: PathSegment::Key(self.path, &key.text).to_string(),
                    expected: field,
                    position: key.position,
                });
                field
            }
            None => &key.text,
        }
    }
}

impl<'a> MapAccess<'a> for EntryAccess<'a, '_> {
    type Error = FieldError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, FieldError> {
        let Some((key, _)) = self.entries.get(self.index) else {
            return Ok(None);
        };
        let name = self.resolve_key(key);
        let key_de: de::value::StrDeserializer<'_, FieldError> = name.into_deserializer();
        seed.deserialize(key_de).map(Some).map_err(|mut e| {
            e.position.get_or_insert(key.position);
            e.path
                .get_or_insert_with(|| PathSegment::Key(self.path, &key.text).to_string());
            e
        })
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, FieldError> {
        let (key, node) = &self.entries[self.index];
        self.index += 1;
        let path = PathSegment::Key(self.path, &key.text);
        seed.deserialize(NodeDeserializer {
            node,
            path: &path,
            warnings: self.warnings,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::parse_documents;
    use super::*;
    use crate::quantity::Quantity;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        #[serde(default)]
        items: Vec<Inner>,
        #[serde(default)]
        node_affinity_policy: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[serde(default)]
        requests: BTreeMap<String, Quantity>,
        #[serde(default)]
        count: i32,
    }

    fn read(text: &str) -> (Result<Outer, FieldError>, Vec<CaseMismatch>) {
        let docs = parse_documents(text).unwrap();
        let warnings = RefCell::new(Vec::new());
        let result = from_node(&docs[0], &warnings);
        (result, warnings.into_inner())
    }

    #[test]
    fn errors_carry_the_innermost_position_and_path() {
        let (result, _) = read("items:\n- requests: {cpu: 1}\n- requests:\n    cpu: 2x\n");
        let err = result.unwrap_err();
        assert_eq!(err.path.as_deref(), Some("items[1].requests.cpu"));
        assert_eq!(
            err.position,
            Some(Position {
                line: 4,
                column: 10
            })
        );
        assert!(err.message.contains("2x"), "{}", err.message);

        let (result, _) = read("items:\n- count: many\n");
        let err = result.unwrap_err();
        assert!(err.message.contains("many"), "{}", err.message);
        let (result, _) = read("items:\n- count: 7\n");
        assert_eq!(result.unwrap().items[0].count, 7);
        assert_eq!(err.path.as_deref(), Some("items[0].count"));
    }

    #[test]
    fn bare_numbers_are_read_as_their_text() {
        let (result, _) = read("items:\n- requests: {cpu: 0.15, nvidia.com/gpu: 2}\n");
        let outer = result.unwrap();
        assert_eq!(outer.items[0].requests["cpu"].to_milli_ceil(), 150);
        assert_eq!(
            outer.items[0].requests["nvidia.com/gpu"].to_base_units_ceil(),
            2
        );
    }

    #[test]
    fn null_collections_are_empty_and_case_mismatches_warn() {
        let (result, warnings) = read("items:\nNodeAffinityPolicy: Honor\n");
        let outer = result.unwrap();
        assert!(outer.items.is_empty());
        assert_eq!(outer.node_affinity_policy.as_deref(), Some("Honor"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].expected, "nodeAffinityPolicy");
    }
}
