//! What [`Approx`] sees of a value: numbers, exact leaves, and the containers around them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Debug;
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::Arc;

/// A value that [`assert_approx!`](crate::assert_approx) and [`approx`](super::approx) can
/// compare: numbers, the exact leaves beside them, and containers of these.
///
/// Implemented for `f64`, `f32`, the integer types, `bool`, `char`, `str`/`String`, tuples of
/// up to 12 elements, arrays, slices, `Vec`, `VecDeque`, `Option`, `HashMap` and `BTreeMap`
/// (keys compared exactly), and references, `Box`, `Rc` and `Arc` of these. Containers of
/// different kinds with the same shape compare (a `Vec` with an array, a `&str` with a
/// `String`). Your own type can take part by describing itself as one of these shapes:
///
/// ```
/// use testrig::approx::{Approx, Node};
/// use testrig::assert_approx;
///
/// struct Point { x: f64, y: f64 }
///
/// impl Approx for Point {
///     fn approx_node(&self) -> Node<'_> {
///         Node::Tuple(vec![&self.x, &self.y])
///     }
/// }
///
/// assert_approx!(Point { x: 0.1 + 0.2, y: 1.0 }, (0.3, 1.0));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared approximately",
    label = "not a number, tuple, array, slice, `Vec`, `Option` or map of them",
    note = "implement `testrig::approx::Approx` for it, describing it as a tuple or a sequence"
)]
pub trait Approx {
    /// This value's shape, with its parts as further [`Approx`] values.
    fn approx_node(&self) -> Node<'_>;
}

/// The shape of one [`Approx`] value.
#[non_exhaustive]
pub enum Node<'a> {
    /// An `f64`: compared within the tolerance.
    F64(f64),
    /// An `f32`: compared within the tolerance, as an `f64`, and shown as an `f32`.
    F32(f32),
    /// An integer: compared exactly with another integer, within the tolerance with a float.
    Int(i128),
    /// A `bool`, compared exactly.
    Bool(bool),
    /// A `char`, compared exactly.
    Char(char),
    /// Text, compared exactly.
    Str(&'a str),
    /// A sequence (array, slice, `Vec`): the same length, element by element, path `[i]`.
    Seq(Vec<&'a dyn Approx>),
    /// A tuple: the same arity, field by field, path `.i`.
    Tuple(Vec<&'a dyn Approx>),
    /// An `Option`: both `None`, or both `Some` with close values.
    Option(Option<&'a dyn Approx>),
    /// A map: the same keys (by their `Debug` text, which the path shows: `["key"]`), close
    /// values.
    Map(Vec<(String, &'a dyn Approx)>),
}

macro_rules! leaf {
    ($($ty:ty => |$v:ident| $node:expr;)*) => {$(
        impl Approx for $ty {
            fn approx_node(&self) -> Node<'_> {
                let $v = *self;
                $node
            }
        }
    )*};
}

leaf! {
    f64 => |v| Node::F64(v);
    f32 => |v| Node::F32(v);
    i8 => |v| Node::Int(v.into());
    i16 => |v| Node::Int(v.into());
    i32 => |v| Node::Int(v.into());
    i64 => |v| Node::Int(v.into());
    i128 => |v| Node::Int(v);
    isize => |v| Node::Int(v as i128);
    u8 => |v| Node::Int(v.into());
    u16 => |v| Node::Int(v.into());
    u32 => |v| Node::Int(v.into());
    u64 => |v| Node::Int(v.into());
    usize => |v| Node::Int(v as i128);
    // Beyond i128 only as a float: no exact comparison of such integers.
    u128 => |v| i128::try_from(v).map_or(Node::F64(v as f64), Node::Int);
    bool => |v| Node::Bool(v);
    char => |v| Node::Char(v);
}

impl Approx for str {
    fn approx_node(&self) -> Node<'_> {
        Node::Str(self)
    }
}

impl Approx for String {
    fn approx_node(&self) -> Node<'_> {
        Node::Str(self)
    }
}

macro_rules! forward {
    ($($ty:ty),*) => {$(
        impl<T: Approx + ?Sized> Approx for $ty {
            fn approx_node(&self) -> Node<'_> {
                (**self).approx_node()
            }
        }
    )*};
}

forward!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

fn seq<'a, T: Approx + 'a>(items: impl IntoIterator<Item = &'a T>) -> Node<'a> {
    Node::Seq(items.into_iter().map(|t| t as &dyn Approx).collect())
}

impl<T: Approx> Approx for [T] {
    fn approx_node(&self) -> Node<'_> {
        seq(self)
    }
}

impl<T: Approx, const N: usize> Approx for [T; N] {
    fn approx_node(&self) -> Node<'_> {
        seq(self)
    }
}

impl<T: Approx> Approx for Vec<T> {
    fn approx_node(&self) -> Node<'_> {
        seq(self)
    }
}

impl<T: Approx> Approx for VecDeque<T> {
    fn approx_node(&self) -> Node<'_> {
        seq(self)
    }
}

impl<T: Approx> Approx for Option<T> {
    fn approx_node(&self) -> Node<'_> {
        Node::Option(self.as_ref().map(|t| t as &dyn Approx))
    }
}

impl<K: Debug, V: Approx> Approx for BTreeMap<K, V> {
    fn approx_node(&self) -> Node<'_> {
        Node::Map(
            self.iter()
                .map(|(k, v)| (format!("{k:?}"), v as &dyn Approx))
                .collect(),
        )
    }
}

impl<K: Debug, V: Approx, S: BuildHasher> Approx for HashMap<K, V, S> {
    fn approx_node(&self) -> Node<'_> {
        let mut entries: Vec<_> = self
            .iter()
            .map(|(k, v)| (format!("{k:?}"), v as &dyn Approx))
            .collect();
        // A report in the same order on every run.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Node::Map(entries)
    }
}

macro_rules! tuple {
    ($(($($name:ident . $i:tt),+))*) => {$(
        impl<$($name: Approx),+> Approx for ($($name,)+) {
            fn approx_node(&self) -> Node<'_> {
                Node::Tuple(vec![$(&self.$i as &dyn Approx),+])
            }
        }
    )*};
}

tuple! {
    (A.0)
    (A.0, B.1)
    (A.0, B.1, C.2)
    (A.0, B.1, C.2, D.3)
    (A.0, B.1, C.2, D.3, E.4)
    (A.0, B.1, C.2, D.3, E.4, F.5)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10, L.11)
}
