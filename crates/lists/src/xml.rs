//! A small, safe XML layer over quick-xml: records are read one at a time into a tiny tree.
//!
//! Safety: official list files never use a DTD, so any `<!DOCTYPE` that declares entities is
//! rejected before a single record is read, and a reference to an entity that XML does not
//! predefine is an error rather than something to expand. That rules out "billion laughs" and
//! external-entity (XXE) attacks by construction. Input must be UTF-8 (every official XML list
//! is); anything else is reported with the byte offset of the first bad byte.

use crate::error::{ParseError, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// An element with its attributes, text and children. Names are local (namespace prefix dropped).
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Local element name.
    pub name: String,
    /// Attributes, local names, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Node>,
    /// Concatenated direct text content (unescaped, not trimmed).
    pub text: String,
    /// Byte offset of the start tag in the document.
    pub offset: u64,
}

impl Node {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    /// All children with this local name.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// Descends through a path of child names, taking the first match at each step.
    pub fn path(&self, path: &[&str]) -> Option<&Node> {
        let mut n = self;
        for p in path {
            n = n.child(p)?;
        }
        Some(n)
    }
    /// All nodes reached by a path, following every match at each step.
    pub fn all<'a>(&'a self, path: &[&str]) -> Vec<&'a Node> {
        let mut cur = vec![self];
        for p in path {
            cur = cur
                .into_iter()
                .flat_map(|n| n.children.iter().filter(|c| c.name == *p))
                .collect();
        }
        cur
    }
    /// Trimmed text of this node, `None` when empty.
    pub fn value(&self) -> Option<&str> {
        let t = self.text.trim();
        (!t.is_empty()).then_some(t)
    }
    /// Trimmed text of the first child with this name, `None` when missing or empty.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(Node::value)
    }
    /// An attribute's value (trimmed, `None` when missing or empty).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// The five entities XML predefines; any other named entity is refused.
fn predefined(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// A streaming reader over one XML document held in memory.
pub struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    src: &'a str,
    file: &'a str,
}

impl<'a> XmlReader<'a> {
    /// Checks the bytes are UTF-8 and prepares to read.
    pub fn new(file: &'a str, bytes: &'a [u8]) -> Result<XmlReader<'a>> {
        let src = crate::tabular::utf8(file, bytes)?;
        let mut reader = Reader::from_str(src);
        reader.config_mut().check_end_names = true;
        Ok(XmlReader { reader, src, file })
    }

    fn err(&self, pos: u64, record: Option<String>, msg: impl Into<String>) -> ParseError {
        ParseError::at_byte(self.file, self.src.as_bytes(), pos, record, msg)
    }

    fn xml_err(&self, e: quick_xml::Error, record: Option<String>) -> ParseError {
        let pos = self.reader.error_position();
        self.err(pos, record, format!("malformed XML: {e}"))
    }

    /// Reads up to the root element and returns it (attributes only, no children).
    pub fn root(&mut self) -> Result<Node> {
        loop {
            let pos = self.reader.buffer_position();
            match self.reader.read_event() {
                Ok(Event::Start(e)) => return self.start_node(&e, pos),
                Ok(Event::Empty(e)) => return self.start_node(&e, pos),
                Ok(Event::DocType(d)) => {
                    let t = d.xml10_content();
                    if t.contains("<!ENTITY") || t.contains("SYSTEM") || t.contains("PUBLIC") {
                        return Err(self.err(pos, None, "the document declares DTD entities; entity expansion is refused (no official list uses a DTD)"));
                    }
                }
                Ok(Event::Eof) => {
                    return Err(self.err(
                        pos,
                        None,
                        "the file has no root element (empty or not XML)",
                    ))
                }
                Ok(Event::Text(t)) if !t.xml10_content().trim().is_empty() => {
                    return Err(self.err(
                        pos,
                        None,
                        "text before the root element: not an XML document",
                    ))
                }
                Ok(_) => {}
                Err(e) => return Err(self.xml_err(e, None)),
            }
        }
    }

    fn start_node(&self, e: &BytesStart<'_>, pos: u64) -> Result<Node> {
        let mut n = Node {
            name: local(e.name().as_ref()).to_string(),
            offset: pos,
            ..Default::default()
        };
        for a in e.attributes() {
            let a = a.map_err(|err| {
                self.err(
                    pos,
                    Some(n.name.clone()),
                    format!("malformed attribute: {err}"),
                )
            })?;
            let key = local(a.key.as_ref()).to_string();
            if key == "xmlns" || a.key.as_ref().starts_with("xmlns:") {
                n.attrs
                    .push((a.key.as_ref().to_string(), a.value.to_string()));
                continue;
            }
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| {
                    self.err(
                        pos,
                        Some(n.name.clone()),
                        format!(
                            "attribute {key}: {err} (only XML's predefined entities are allowed)"
                        ),
                    )
                })?;
            n.attrs.push((key, v.into_owned()));
        }
        Ok(n)
    }

    /// Reads the children of an element whose start tag was just read, until its end tag.
    fn fill(&mut self, node: &mut Node) -> Result<()> {
        let mut stack: Vec<Node> = Vec::new();
        loop {
            let pos = self.reader.buffer_position();
            let ev = self.reader.read_event().map_err(|e| {
                let rec = Some(node.name.clone());
                self.xml_err(e, rec)
            })?;
            let top = stack.last_mut().unwrap_or(node);
            match ev {
                Event::Start(e) => {
                    let n = self.start_node(&e, pos)?;
                    stack.push(n);
                }
                Event::Empty(e) => {
                    let n = self.start_node(&e, pos)?;
                    top.children.push(n);
                }
                Event::End(_) => match stack.pop() {
                    Some(done) => stack.last_mut().unwrap_or(node).children.push(done),
                    None => return Ok(()),
                },
                Event::Text(t) => top.text.push_str(&t.xml10_content()),
                Event::CData(c) => top.text.push_str(&c),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match predefined(&r) {
                            Some(c) => c.to_string(),
                            None => {
                                let other = &*r;
                                return Err(self.err(pos, Some(node.name.clone()), format!(
                                    "reference to undeclared entity &{other}; (custom entities are refused)"
                                )));
                            }
                        },
                        Err(e) => {
                            return Err(self.err(
                                pos,
                                Some(node.name.clone()),
                                format!("bad character reference: {e}"),
                            ))
                        }
                    };
                    top.text.push_str(&resolved);
                }
                Event::Eof => {
                    return Err(self.err(
                        pos,
                        Some(node.name.clone()),
                        format!(
                            "unexpected end of file inside <{}>: the file is truncated",
                            stack.last().map(|n| n.name.as_str()).unwrap_or(&node.name)
                        ),
                    ))
                }
                Event::DocType(_) => {
                    return Err(self.err(pos, None, "DOCTYPE inside the document"))
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            }
        }
    }

    /// Streams the document: every element whose local name is in `records` (at any depth) is
    /// read whole and passed to `f`; everything else is walked through. Returns the root.
    pub fn for_each(
        &mut self,
        records: &[&str],
        mut f: impl FnMut(Node) -> Result<()>,
    ) -> Result<Node> {
        let root = self.root()?;
        let mut depth = 1usize;
        loop {
            let pos = self.reader.buffer_position();
            let ev = self
                .reader
                .read_event()
                .map_err(|e| self.xml_err(e, None))?;
            match ev {
                Event::Start(e) => {
                    let name = local(e.name().as_ref()).to_string();
                    if records.contains(&name.as_str()) {
                        let mut n = self.start_node(&e, pos)?;
                        self.fill(&mut n)?;
                        f(n)?;
                    } else {
                        depth += 1;
                    }
                }
                Event::Empty(e) => {
                    let name = local(e.name().as_ref()).to_string();
                    if records.contains(&name.as_str()) {
                        f(self.start_node(&e, pos)?)?;
                    }
                }
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::GeneralRef(r)
                    if r.resolve_char_ref().ok().flatten().is_none()
                        && predefined(&r).is_none() =>
                {
                    return Err(self.err(
                        pos,
                        None,
                        format!(
                            "reference to undeclared entity &{}; (custom entities are refused)",
                            &*r
                        ),
                    ));
                }
                Event::Eof => {
                    return Err(self.err(
                        pos,
                        None,
                        format!(
                            "unexpected end of file: <{}> is not closed; the file is truncated",
                            root.name
                        ),
                    ))
                }
                Event::DocType(_) => {
                    return Err(self.err(pos, None, "DOCTYPE inside the document"))
                }
                _ => {}
            }
        }
        Ok(root)
    }

    /// Reads the whole document into one tree (for small files whose parts cross-reference).
    pub fn read_all(&mut self) -> Result<Node> {
        let mut root = self.root()?;
        self.fill(&mut root)?;
        Ok(root)
    }

    /// An error located at a node.
    pub fn node_err(
        &self,
        node: &Node,
        record: impl Into<String>,
        msg: impl Into<String>,
    ) -> ParseError {
        self.err(node.offset, Some(record.into()), msg)
    }
}

/// The local name of the root element and its `xmlns`, read from the start of a document.
pub fn sniff_root(bytes: &[u8]) -> Option<(String, String)> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let s = String::from_utf8_lossy(head);
    let mut reader = Reader::from_str(&s);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = local(e.name().as_ref()).to_string();
                let ns = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == "xmlns")
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                return Some((name, ns));
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(Event::Text(t)) if !t.xml10_content().trim().is_empty() => return None,
            Ok(_) => {}
        }
    }
}
