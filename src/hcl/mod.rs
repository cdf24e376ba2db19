//! HCL, the language of Terraform files, as far as platc writes it: a syntax tree
//! ([`Body`], [`Block`], [`Expr`]), the one writer that lays it out byte for byte as
//! `terraform fmt` does ([`write`]), and a reader for the same subset ([`read`]) that the tests
//! use to look inside rendered `.tf` files. Like the YAML writer, generators build the tree
//! and never format text themselves.

pub mod read;
pub mod write;

/// The items of a file or of a block, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `name = expr`.
    Attribute(String, Expr),
    Block(Block),
    /// An empty line (the writer never writes two in a row, nor one at the start or end of
    /// a body).
    Blank,
    /// `# text` on a line of its own.
    Comment(String),
}

/// `kind "label" ... { body }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// A quoted string, possibly with `${…}` interpolations.
    Str(Template),
    Number(i64),
    Bool(bool),
    List(Vec<Expr>),
    /// `{ key = value … }`; keys that are not identifiers are quoted when written.
    Object(Vec<(String, Expr)>),
    /// A reference such as `aws_iam_policy.x.arn` or `local.tags`.
    Ref(String),
}

/// A quoted template: literal text and `${…}` interpolations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template(pub Vec<Part>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    /// The expression inside `${…}`, such as `data.aws_partition.current.partition`.
    Interp(String),
}

impl Template {
    pub fn lit(text: impl Into<String>) -> Self {
        Template(vec![Part::Lit(text.into())])
    }

    /// Appends literal text, merging it with a literal before it.
    pub fn push_lit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Part::Lit(last)) = self.0.last_mut() {
            last.push_str(text);
        } else {
            self.0.push(Part::Lit(text.to_string()));
        }
    }

    pub fn push_interp(&mut self, expr: impl Into<String>) {
        self.0.push(Part::Interp(expr.into()));
    }
}

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn attr(&mut self, name: &str, value: Expr) -> &mut Self {
        self.items.push(Item::Attribute(name.to_string(), value));
        self
    }

    pub fn block(&mut self, block: Block) -> &mut Self {
        self.items.push(Item::Block(block));
        self
    }

    /// A block set apart by an empty line, unless it is the first item of the body.
    pub fn section(&mut self, block: Block) -> &mut Self {
        if !self.items.is_empty() {
            self.items.push(Item::Blank);
        }
        self.block(block)
    }

    pub fn blank(&mut self) -> &mut Self {
        self.items.push(Item::Blank);
        self
    }

    pub fn comment(&mut self, text: &str) -> &mut Self {
        self.items.push(Item::Comment(text.to_string()));
        self
    }

    /// The value of attribute `name`, if the body has one.
    pub fn get(&self, name: &str) -> Option<&Expr> {
        self.items.iter().find_map(|i| match i {
            Item::Attribute(n, v) if n == name => Some(v),
            _ => None,
        })
    }

    /// The blocks of this kind, in order.
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.items.iter().filter_map(move |i| match i {
            Item::Block(b) if b.kind == kind => Some(b),
            _ => None,
        })
    }
}

impl Block {
    pub fn new(kind: &str, labels: &[&str], body: Body) -> Self {
        Block {
            kind: kind.to_string(),
            labels: labels.iter().map(|l| (*l).to_string()).collect(),
            body,
        }
    }
}

/// A plain string expression.
pub fn string(text: impl Into<String>) -> Expr {
    Expr::Str(Template::lit(text))
}

/// A list of plain strings.
pub fn strings<S: AsRef<str>>(items: &[S]) -> Expr {
    Expr::List(items.iter().map(|s| string(s.as_ref())).collect())
}

/// Whether `name` is an HCL identifier (a letter or `_`, then letters, digits, `_` and `-`),
/// which may be written unquoted as an object key or block label-less name.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
