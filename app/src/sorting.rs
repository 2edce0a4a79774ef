//! The app's one sort. The standard sorts are generic: every element type and comparison
//! got its own copy of the sorting code in the wasm (about 3 KB each, over a dozen copies).
//! Here only a list of positions is sorted, through a comparison behind `dyn`, so the bundle
//! holds that code once; moving the elements into the new order is the only generic part.

use std::cmp::Ordering;

/// Stable, like `slice::sort_by`.
pub fn sort_by<T>(list: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = positions(list.len(), &|a, b| cmp(&list[a], &list[b]));
    let mut slots: Vec<Option<T>> = list.drain(..).map(Some).collect();
    list.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Stable, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(list: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(list, |a, b| key(a).cmp(&key(b)));
}

pub fn sort<T: Ord>(list: &mut Vec<T>) {
    sort_by(list, T::cmp);
}

fn positions(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_keeps_equal_elements_in_their_order() {
        let mut list = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        sort_by_key(&mut list, |p| p.0);
        assert_eq!(list, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn sorting_agrees_with_the_standard_sort() {
        let mut list: Vec<u64> = (0..200).map(|i| (i * 7919) % 113).collect();
        let mut expected = list.clone();
        expected.sort();
        sort(&mut list);
        assert_eq!(list, expected);
        sort_by(&mut list, |a, b| b.cmp(a));
        expected.reverse();
        assert_eq!(list, expected);
    }
}
