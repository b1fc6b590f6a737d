//! Loading Kubernetes manifests: files, directories, stdin; YAML streams, `List`s and JSON.
//!
//! Every document is dispatched on `apiVersion` and `kind` and read into its concrete type
//! ([`types`]), so that an error keeps its file, line, column and field path. Kinds podplan does
//! not schedule (Service, ConfigMap, CRDs, …) are skipped with one [`Note`] each.
//!
//! ```
//! use podplan::manifest::{load_str, ObjectKind};
//!
//! let loaded = load_str("inline.yaml", "
//! apiVersion: v1
//! kind: Node
//! metadata: {name: n1}
//! status: {allocatable: {cpu: 4, memory: 8Gi, pods: 110}}
//! ---
//! apiVersion: v1
//! kind: Service
//! metadata: {name: web}
//! ").unwrap();
//! assert_eq!(loaded.objects.len(), 1);
//! assert!(matches!(loaded.objects[0].kind, ObjectKind::Node(_)));
//! assert_eq!(loaded.notes.len(), 1); // the Service, skipped
//! ```

pub mod de;
pub mod error;
pub mod tree;
pub mod types;
pub mod write;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{LoadError, Origin};
use tree::{Position, YamlNode, YamlValue};

/// A loaded object of a kind podplan reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The object.
    pub kind: ObjectKind,
    /// Where its document starts.
    pub origin: Origin,
    /// Where a few fields that later checks may point at were written (`spec.nodeName`, …).
    pub field_positions: BTreeMap<&'static str, Position>,
}

impl Object {
    /// The origin of a field, or of the object when the field's position is unknown.
    pub fn field_origin(&self, field: &str) -> Origin {
        Origin {
            file: self.origin.file.clone(),
            position: self
                .field_positions
                .get(field)
                .copied()
                .unwrap_or(self.origin.position),
        }
    }
}

/// The kinds podplan reads.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectKind {
    /// `v1 Node`.
    Node(types::Node),
    /// `v1 Pod`.
    Pod(types::Pod),
    /// `v1 Namespace`.
    Namespace(types::Namespace),
    /// `apps/v1 Deployment`.
    Deployment(types::ReplicatedController),
    /// `apps/v1 ReplicaSet`.
    ReplicaSet(types::ReplicatedController),
    /// `apps/v1 StatefulSet`.
    StatefulSet(types::ReplicatedController),
    /// `apps/v1 DaemonSet`.
    DaemonSet(types::DaemonSet),
    /// `batch/v1 Job`.
    Job(types::Job),
    /// `scheduling.k8s.io/v1 PriorityClass`.
    PriorityClass(types::PriorityClass),
    /// `podplan.dev/v1alpha1 NodePool`.
    NodePool(types::NodePool),
}

impl ObjectKind {
    /// The Kubernetes kind name.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ObjectKind::Node(_) => "Node",
            ObjectKind::Pod(_) => "Pod",
            ObjectKind::Namespace(_) => "Namespace",
            ObjectKind::Deployment(_) => "Deployment",
            ObjectKind::ReplicaSet(_) => "ReplicaSet",
            ObjectKind::StatefulSet(_) => "StatefulSet",
            ObjectKind::DaemonSet(_) => "DaemonSet",
            ObjectKind::Job(_) => "Job",
            ObjectKind::PriorityClass(_) => "PriorityClass",
            ObjectKind::NodePool(_) => "NodePool",
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &types::ObjectMeta {
        match self {
            ObjectKind::Node(o) => &o.metadata,
            ObjectKind::Pod(o) => &o.metadata,
            ObjectKind::Namespace(o) => &o.metadata,
            ObjectKind::Deployment(o) | ObjectKind::ReplicaSet(o) | ObjectKind::StatefulSet(o) => {
                &o.metadata
            }
            ObjectKind::DaemonSet(o) => &o.metadata,
            ObjectKind::Job(o) => &o.metadata,
            ObjectKind::PriorityClass(o) => &o.metadata,
            ObjectKind::NodePool(o) => &o.metadata,
        }
    }

    fn metadata_mut(&mut self) -> &mut types::ObjectMeta {
        match self {
            ObjectKind::Node(o) => &mut o.metadata,
            ObjectKind::Pod(o) => &mut o.metadata,
            ObjectKind::Namespace(o) => &mut o.metadata,
            ObjectKind::Deployment(o) | ObjectKind::ReplicaSet(o) | ObjectKind::StatefulSet(o) => {
                &mut o.metadata
            }
            ObjectKind::DaemonSet(o) => &mut o.metadata,
            ObjectKind::Job(o) => &mut o.metadata,
            ObjectKind::PriorityClass(o) => &mut o.metadata,
            ObjectKind::NodePool(o) => &mut o.metadata,
        }
    }

    /// Whether the kind lives in a namespace.
    pub fn is_namespaced(&self) -> bool {
        !matches!(
            self,
            ObjectKind::Node(_)
                | ObjectKind::Namespace(_)
                | ObjectKind::PriorityClass(_)
                | ObjectKind::NodePool(_)
        )
    }
}

/// Something the user should know that is not an error: a skipped kind, a field read leniently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// Where it applies.
    pub origin: Origin,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// The result of loading: objects in input order, and notes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The objects, in the order they were read.
    pub objects: Vec<Object>,
    /// Skipped documents and warnings.
    pub notes: Vec<Note>,
}

impl Loaded {
    /// Appends another load's objects and notes.
    pub fn extend(&mut self, other: Loaded) {
        self.objects.extend(other.objects);
        self.notes.extend(other.notes);
    }
}

/// Loads manifests from paths: files, directories (recursively, `*.yaml`, `*.yml`, `*.json`, in
/// sorted order) and `-` for standard input. Names are checked for duplicates across all of them.
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Loaded, LoadError> {
    let mut loaded = Loaded::default();
    for path in paths {
        let path = path.as_ref();
        if path == Path::new("-") {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|source| LoadError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            loaded.extend(load_documents("<stdin>", &text)?);
            continue;
        }
        for file in manifest_files(path)? {
            let text = std::fs::read_to_string(&file).map_err(|source| LoadError::Io {
                path: file.clone(),
                source,
            })?;
            loaded.extend(load_documents(&file.display().to_string(), &text)?);
        }
    }
    name_and_check_duplicates(&mut loaded)?;
    Ok(loaded)
}

/// Loads manifests from a string; `name` is used in messages.
pub fn load_str(name: &str, text: &str) -> Result<Loaded, LoadError> {
    let mut loaded = load_documents(name, text)?;
    name_and_check_duplicates(&mut loaded)?;
    Ok(loaded)
}

/// The manifest files under `path`: the path itself when it is a file, else the matching files
/// of the directory tree in sorted order.
fn manifest_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io_error = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io_error)?;
    entries.sort();
    let mut files = Vec::new();
    for entry in entries {
        if entry.is_dir() {
            files.extend(manifest_files(&entry)?);
        } else if matches!(
            entry.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            files.push(entry);
        }
    }
    Ok(files)
}

/// Parses one source into objects and notes (no cross-source checks).
fn load_documents(name: &str, text: &str) -> Result<Loaded, LoadError> {
    let file: Arc<str> = Arc::from(name);
    let origin_at = |position| Origin {
        file: file.clone(),
        position,
    };
    let documents = tree::parse_documents(text).map_err(|e| LoadError::Syntax {
        origin: origin_at(e.position),
        message: e.message,
    })?;
    let mut loaded = Loaded::default();
    for document in &documents {
        load_document(&file, document, &de::PathSegment::Root, &mut loaded)?;
    }
    Ok(loaded)
}

fn load_document(
    file: &Arc<str>,
    node: &YamlNode,
    path: &de::PathSegment<'_>,
    loaded: &mut Loaded,
) -> Result<(), LoadError> {
    let origin = Origin {
        file: file.clone(),
        position: node.position,
    };
    let field_error = |path: String, message: String, position| LoadError::Field {
        origin: Origin {
            file: file.clone(),
            position,
        },
        path,
        message,
    };
    let prefix = |field: &str| {
        let p = path.to_string();
        if p.is_empty() {
            field.to_string()
        } else {
            format!("{p}.{field}")
        }
    };
    if !matches!(node.value, YamlValue::Mapping(_)) {
        return Err(field_error(
            if path.to_string().is_empty() {
                "(document)".into()
            } else {
                path.to_string()
            },
            "expected a Kubernetes object (a mapping with apiVersion and kind)".into(),
            node.position,
        ));
    }
    let scalar_field = |key: &str| -> Result<Option<&str>, LoadError> {
        match node.get(key) {
            None => Ok(None),
            Some(value) if value.is_null() => Ok(None),
            Some(value) => value.as_str().map(Some).ok_or_else(|| {
                field_error(
                    prefix(key),
                    format!("expected a string for `{key}`"),
                    value.position,
                )
            }),
        }
    };
    let api_version = scalar_field("apiVersion")?.unwrap_or("");
    let Some(kind) = scalar_field("kind")? else {
        return Err(field_error(
            prefix("kind"),
            "missing field `kind`: every document must say what it is (apiVersion and kind)".into(),
            node.position,
        ));
    };
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let name = node
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("");

    if kind.ends_with("List")
        && let Some(items) = node.get("items")
    {
        let items_path = de::PathSegment::Key(path, "items");
        match &items.value {
            YamlValue::Sequence(list) => {
                for (index, item) in list.iter().enumerate() {
                    let item_path = de::PathSegment::Index(&items_path, index);
                    load_document(file, item, &item_path, loaded)?;
                }
                return Ok(());
            }
            _ if items.is_null() => return Ok(()),
            _ => {
                return Err(field_error(
                    prefix("items"),
                    "expected a list of objects".into(),
                    items.position,
                ));
            }
        }
    }

    let warnings = RefCell::new(Vec::new());
    let read = |result: Result<ObjectKind, de::FieldError>| {
        result.map_err(|e| LoadError::Field {
            origin: Origin {
                file: file.clone(),
                position: e.position.unwrap_or(node.position),
            },
            path: e
                .path
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "(document)".into()),
            message: e.message,
        })
    };
    macro_rules! typed {
        ($variant:ident) => {
            read(de::from_node_at(node, path, &warnings).map(ObjectKind::$variant))?
        };
    }
    let core = group.is_empty();
    let apps = matches!(group, "apps" | "extensions");
    let object = match kind {
        "Node" if core => typed!(Node),
        "Pod" if core => typed!(Pod),
        "Namespace" if core => typed!(Namespace),
        "Deployment" if apps => typed!(Deployment),
        "ReplicaSet" if apps => typed!(ReplicaSet),
        "StatefulSet" if apps => typed!(StatefulSet),
        "DaemonSet" if apps => typed!(DaemonSet),
        "Job" if group == "batch" => typed!(Job),
        "PriorityClass" if group == "scheduling.k8s.io" => typed!(PriorityClass),
        "NodePool" if group == "podplan.dev" => typed!(NodePool),
        _ => {
            let why = if kind == "NodePool" {
                format!(
                    "skipped {kind} `{name}` ({api_version}): not podplan's NodePool \
                     (apiVersion podplan.dev/v1alpha1)"
                )
            } else {
                format!("skipped {kind} `{name}` ({api_version}): podplan does not schedule it")
            };
            loaded.notes.push(Note {
                origin,
                message: why,
            });
            return Ok(());
        }
    };
    if api_version.is_empty() {
        loaded.notes.push(Note {
            origin: origin.clone(),
            message: format!("{kind} `{name}` has no apiVersion; read as a core {kind}"),
        });
    }
    for warning in warnings.into_inner() {
        loaded.notes.push(Note {
            origin: Origin {
                file: file.clone(),
                position: warning.position,
            },
            message: format!(
                "{}: not an API field name; read as `{}` (Kubernetes matches field names \
                 case-insensitively)",
                warning.path, warning.expected
            ),
        });
    }
    let mut field_positions = BTreeMap::new();
    for (field, keys) in [
        ("metadata.name", &["metadata", "name"][..]),
        ("metadata.namespace", &["metadata", "namespace"][..]),
        ("spec.nodeName", &["spec", "nodeName"][..]),
        ("spec.replicas", &["spec", "replicas"][..]),
        ("spec.priorityClassName", &["spec", "priorityClassName"][..]),
        (
            "spec.template.spec.priorityClassName",
            &["spec", "template", "spec", "priorityClassName"][..],
        ),
    ] {
        let mut current = Some(node);
        for key in keys {
            current = current.and_then(|n| n.get(key));
        }
        if let Some(found) = current {
            field_positions.insert(field, found.position);
        }
    }
    loaded.objects.push(Object {
        kind: object,
        origin,
        field_positions,
    });
    Ok(())
}

/// Fills in default namespaces and generated names, then rejects duplicates.
fn name_and_check_duplicates(loaded: &mut Loaded) -> Result<(), LoadError> {
    let mut generated: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut seen: BTreeMap<(&'static str, String, String), Origin> = BTreeMap::new();
    for object in &mut loaded.objects {
        let namespaced = object.kind.is_namespaced();
        let kind_name = object.kind.kind_name();
        let origin = object.field_origin("metadata.name");
        let metadata = object.kind.metadata_mut();
        if namespaced && metadata.namespace.is_empty() {
            metadata.namespace = "default".into();
        }
        if !namespaced {
            metadata.namespace.clear();
        }
        if metadata.name.is_empty() {
            if metadata.generate_name.is_empty() {
                return Err(LoadError::Field {
                    origin,
                    path: "metadata.name".into(),
                    message: format!("{kind_name} has neither metadata.name nor generateName"),
                });
            }
            let counter = generated
                .entry((metadata.namespace.clone(), metadata.generate_name.clone()))
                .or_default();
            *counter += 1;
            metadata.name = format!("{}{}", metadata.generate_name, counter);
        }
        let key = (kind_name, metadata.namespace.clone(), metadata.name.clone());
        if let Some(first) = seen.get(&key) {
            let display = if namespaced {
                format!("{}/{}", key.1, key.2)
            } else {
                key.2.clone()
            };
            return Err(LoadError::Duplicate {
                origin,
                kind: kind_name.into(),
                name: display,
                first: first.clone(),
            });
        }
        seen.insert(key, origin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_flattened_and_errors_keep_item_paths() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    containers:\n    - name: c\n      resources: {requests: {cpu: lots}}\n";
        let err = load_str("list.yaml", text).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("list.yaml:10:")
                && message.contains("items[0].spec.containers[0].resources.requests.cpu"),
            "{message}"
        );
    }

    #[test]
    fn duplicates_name_both_places() {
        let doc = "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n";
        let err = load_str("dup.yaml", &format!("{doc}---\n{doc}")).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("dup.yaml:9:"), "{message}");
        assert!(message.contains("dup.yaml:4:"), "{message}");
        assert!(message.contains("duplicate Node `n1`"), "{message}");
    }

    #[test]
    fn generated_names_and_default_namespace() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec: {containers: [{name: c}]}\n";
        let loaded = load_str("gen.yaml", &format!("{pod}---\n{pod}")).unwrap();
        let names: Vec<_> = loaded
            .objects
            .iter()
            .map(|o| format!("{}/{}", o.kind.metadata().namespace, o.kind.metadata().name))
            .collect();
        assert_eq!(names, ["default/web-1", "default/web-2"]);
    }
}
