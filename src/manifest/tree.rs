//! A YAML document tree that remembers where every node was written.
//!
//! Built from the event stream of `granit-parser` (the parser behind serde-saphyr), so that
//! every scalar keeps the exact text written (`0.15`, `017`, `1e3`), and every node its line and
//! column. Anchors, aliases and merge keys (`<<`) are resolved here. JSON is read through the
//! same path (JSON is YAML's flow style); a stream of concatenated JSON objects, which kubectl
//! accepts and a YAML parser does not, is split first.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

/// A position in a source file (both 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Position {
    /// Line, starting at 1.
    pub line: usize,
    /// Column, starting at 1.
    pub column: usize,
}

/// One node of a YAML document.
#[derive(Debug, Clone)]
pub struct YamlNode {
    /// Where the node starts.
    pub position: Position,
    /// What the node holds.
    pub value: YamlValue,
}

/// The content of a [`YamlNode`].
#[derive(Debug, Clone)]
pub enum YamlValue {
    /// A scalar with the text as written (after escape processing) and whether it was quoted.
    Scalar {
        /// The scalar's text.
        text: String,
        /// `true` for plain (unquoted) scalars, which may be null, booleans or numbers.
        plain: bool,
    },
    /// A sequence.
    Sequence(Vec<YamlNode>),
    /// A mapping, in source order. Keys are scalars (their text).
    Mapping(Vec<(YamlKey, YamlNode)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone)]
pub struct YamlKey {
    /// The key's text.
    pub text: String,
    /// Where the key was written.
    pub position: Position,
}

/// A syntax error in a YAML or JSON source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub position: Position,
    /// The parser's message.
    pub message: String,
}

impl YamlNode {
    /// Whether this is a plain null scalar (`~`, `null`, or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, YamlValue::Scalar { text, plain: true } if is_null_text(text))
    }

    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        match &self.value {
            YamlValue::Mapping(entries) => {
                entries.iter().find(|(k, _)| k.text == key).map(|e| &e.1)
            }
            _ => None,
        }
    }

    /// The text of a scalar node (`None` for collections and for null).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }
}

/// Whether a plain scalar's text is YAML null.
pub fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Parses a whole source (YAML stream, JSON, or concatenated JSON objects) into its documents.
/// Empty documents (null roots, comment-only documents) are dropped.
pub fn parse_documents(text: &str) -> Result<Vec<YamlNode>, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(chunks) = split_json_stream(text) {
        let mut documents = Vec::new();
        for chunk in chunks {
            documents.extend(parse_yaml_stream(&chunk.text, chunk.line_offset)?);
        }
        return Ok(documents);
    }
    parse_yaml_stream(text, 0)
}

/// A piece of a concatenated JSON stream, padded so that columns stay right.
struct JsonChunk {
    text: String,
    line_offset: usize,
}

/// When `text` is two or more concatenated JSON values, returns them one by one; otherwise
/// `None` (the text is then read as a YAML stream, which covers a single JSON value).
fn split_json_stream(text: &str) -> Option<Vec<JsonChunk>> {
    let first = text.trim_start().chars().next()?;
    if first != '{' && first != '[' {
        return None;
    }
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let mut ends = Vec::new();
    while let Some(item) = stream.next() {
        item.ok()?;
        ends.push(stream.byte_offset());
    }
    if ends.len() < 2 {
        return None;
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    for end in ends {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_offset = text[..line_start].matches('\n').count();
        let padding: String = text[line_start..start]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        chunks.push(JsonChunk {
            text: format!("{padding}{}", &text[start..end]),
            line_offset,
        });
        start = end;
    }
    Some(chunks)
}

/// Builds the document trees of one YAML stream; `line_offset` is added to every line.
fn parse_yaml_stream(text: &str, line_offset: usize) -> Result<Vec<YamlNode>, SyntaxError> {
    let mut builder = TreeBuilder {
        line_offset,
        stack: Vec::new(),
        anchors: HashMap::new(),
        documents: Vec::new(),
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|error| SyntaxError {
            position: Position {
                line: error.marker().line() + line_offset,
                column: error.marker().col() + 1,
            },
            message: error.info().to_string(),
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

/// A collection under construction.
enum Open {
    Sequence {
        position: Position,
        anchor: usize,
        items: Vec<YamlNode>,
    },
    Mapping {
        position: Position,
        anchor: usize,
        entries: Vec<(YamlKey, YamlNode)>,
        /// Entries brought in by merge keys (`<<`); explicit keys win over them.
        merged: Vec<(YamlKey, YamlNode)>,
        pending_key: Option<YamlNode>,
    },
}

struct TreeBuilder {
    line_offset: usize,
    stack: Vec<Open>,
    anchors: HashMap<usize, YamlNode>,
    documents: Vec<YamlNode>,
}

impl TreeBuilder {
    fn position(&self, span: &Span) -> Position {
        Position {
            line: span.start.line() + self.line_offset,
            column: span.start.col() + 1,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), SyntaxError> {
        let position = self.position(&span);
        match event {
            Event::DocumentStart(..) => self.anchors.clear(),
            Event::Scalar(text, style, anchor, _tag) => {
                let node = YamlNode {
                    position,
                    value: YamlValue::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                };
                self.complete(node, anchor)?;
            }
            Event::Alias(anchor) => {
                let node = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| SyntaxError {
                        position,
                        message: "alias to an unknown anchor".into(),
                    })?;
                self.complete(node, 0)?;
            }
            Event::SequenceStart(_, anchor, _) => self.stack.push(Open::Sequence {
                position,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(_, anchor, _) => self.stack.push(Open::Mapping {
                position,
                anchor,
                entries: Vec::new(),
                merged: Vec::new(),
                pending_key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::Sequence {
                        position,
                        anchor,
                        items,
                    }) => (
                        YamlNode {
                            position,
                            value: YamlValue::Sequence(items),
                        },
                        anchor,
                    ),
                    Some(Open::Mapping {
                        position,
                        anchor,
                        mut entries,
                        merged,
                        ..
                    }) => {
                        for (key, value) in merged {
                            if !entries.iter().any(|(k, _)| k.text == key.text) {
                                entries.push((key, value));
                            }
                        }
                        (
                            YamlNode {
                                position,
                                value: YamlValue::Mapping(entries),
                            },
                            anchor,
                        )
                    }
                    None => {
                        return Err(SyntaxError {
                            position,
                            message: "unbalanced collection end".into(),
                        });
                    }
                };
                self.complete(node, anchor)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(SyntaxError {
                    position,
                    message: format!("alias `*{name}` has no anchor"),
                });
            }
            _ => {}
        }
        Ok(())
    }

    /// Attaches a finished node to its parent (or ends the document).
    fn complete(&mut self, node: YamlNode, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if !node.is_null() {
                    self.documents.push(node);
                }
            }
            Some(Open::Sequence { items, .. }) => items.push(node),
            Some(Open::Mapping {
                entries,
                merged,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    let key_text = match &key.value {
                        YamlValue::Scalar { text, .. } => text.clone(),
                        _ => {
                            return Err(SyntaxError {
                                position: key.position,
                                message: "a mapping key must be a scalar (is this a template?)"
                                    .into(),
                            });
                        }
                    };
                    if key_text == "<<" {
                        merge_into(merged, node);
                    } else if let Some(previous) = entries.iter().find(|(k, _)| k.text == key_text)
                    {
                        return Err(SyntaxError {
                            position: key.position,
                            message: format!(
                                "duplicate key `{key_text}` (first at line {})",
                                previous.0.position.line
                            ),
                        });
                    } else {
                        entries.push((
                            YamlKey {
                                text: key_text,
                                position: key.position,
                            },
                            node,
                        ));
                    }
                }
            },
        }
        Ok(())
    }
}

/// Collects the entries of a YAML merge key's mapping(s); earlier merged keys win.
fn merge_into(entries: &mut Vec<(YamlKey, YamlNode)>, merged: YamlNode) {
    let sources = match merged.value {
        YamlValue::Mapping(map) => vec![map],
        YamlValue::Sequence(items) => items
            .into_iter()
            .filter_map(|item| match item.value {
                YamlValue::Mapping(map) => Some(map),
                _ => None,
            })
            .collect(),
        YamlValue::Scalar { .. } => Vec::new(),
    };
    for source in sources {
        for (key, value) in source {
            if !entries.iter().any(|(k, _)| k.text == key.text) {
                entries.push((key, value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_raw_scalars() {
        let docs =
            parse_documents("a: 1\nb:\n  c: 0.15\n---\n# only a comment\n---\nx: [1, 017]\n")
                .unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[0].get("b").unwrap().get("c").unwrap();
        assert_eq!(c.as_str(), Some("0.15"));
        assert_eq!(c.position, Position { line: 3, column: 6 });
        let x = docs[1].get("x").unwrap();
        match &x.value {
            YamlValue::Sequence(items) => assert_eq!(items[1].as_str(), Some("017")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let docs = parse_documents(
            "base: &b {cpu: 1, memory: 1Gi}\nuse: *b\nmerged:\n  <<: *b\n  cpu: 2\n",
        )
        .unwrap();
        let merged = docs[0].get("merged").unwrap();
        assert_eq!(merged.get("cpu").unwrap().as_str(), Some("2"));
        assert_eq!(merged.get("memory").unwrap().as_str(), Some("1Gi"));
        assert_eq!(
            docs[0].get("use").unwrap().get("cpu").unwrap().as_str(),
            Some("1")
        );
    }

    #[test]
    fn concatenated_json_objects_are_split_with_positions() {
        let docs = parse_documents("{\"a\": 1}\n{\n  \"b\": 2\n}\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].get("b").unwrap().position.line, 3);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_documents("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(err.position.line >= 2, "{err:?}");
        let err = parse_documents("a:\n  b: 1\n  b: 2\n").unwrap_err();
        assert_eq!(err.position.line, 3);
        assert!(err.message.contains("duplicate key"));
    }
}
