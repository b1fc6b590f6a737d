//! Taints and tolerations: the TaintToleration filter and score, and NodeUnschedulable.

use crate::manifest::types::{
    Taint, TaintEffect, TaintEffectFilter, Toleration, TolerationOperator,
};

/// The taint a cordoned node carries for the NodeUnschedulable filter.
pub const UNSCHEDULABLE_TAINT_KEY: &str = "node.kubernetes.io/unschedulable";

/// Whether `toleration` tolerates `taint`: effect empty or equal, key empty (with `Exists`) or
/// equal, and `Exists` or an equal value (an absent value is `""`).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect_ok = match toleration.effect {
        None | Some(TaintEffectFilter::All) => true,
        Some(TaintEffectFilter::NoSchedule) => taint.effect == TaintEffect::NoSchedule,
        Some(TaintEffectFilter::PreferNoSchedule) => taint.effect == TaintEffect::PreferNoSchedule,
        Some(TaintEffectFilter::NoExecute) => taint.effect == TaintEffect::NoExecute,
    };
    if !effect_ok {
        return false;
    }
    let exists = toleration.operator == Some(TolerationOperator::Exists);
    if toleration.key.is_empty() {
        return exists;
    }
    toleration.key == taint.key && (exists || toleration.value == taint.value)
}

/// Whether any toleration in the list tolerates `taint`.
pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// The first `NoSchedule`/`NoExecute` taint not tolerated, which makes the node infeasible.
pub fn first_untolerated<'a>(taints: &'a [Taint], tolerations: &[Toleration]) -> Option<&'a Taint> {
    taints.iter().find(|taint| {
        matches!(
            taint.effect,
            TaintEffect::NoSchedule | TaintEffect::NoExecute
        ) && !tolerated(tolerations, taint)
    })
}

/// Whether a cordoned node is tolerated (a toleration of the `unschedulable:NoSchedule` taint).
pub fn tolerates_unschedulable(tolerations: &[Toleration]) -> bool {
    let taint = Taint {
        key: UNSCHEDULABLE_TAINT_KEY.into(),
        value: String::new(),
        effect: TaintEffect::NoSchedule,
    };
    tolerated(tolerations, &taint)
}

/// The number of `PreferNoSchedule` taints not tolerated, counting only tolerations whose
/// effect is empty or `PreferNoSchedule` (the TaintToleration score's raw value).
pub fn intolerable_prefer_no_schedule(taints: &[Taint], tolerations: &[Toleration]) -> usize {
    let relevant: Vec<&Toleration> = tolerations
        .iter()
        .filter(|t| {
            matches!(
                t.effect,
                None | Some(TaintEffectFilter::All) | Some(TaintEffectFilter::PreferNoSchedule)
            )
        })
        .collect();
    taints
        .iter()
        .filter(|taint| {
            taint.effect == TaintEffect::PreferNoSchedule
                && !relevant.iter().any(|t| tolerates(t, taint))
        })
        .count()
}

/// Renders a taint as kube-scheduler does in messages: `{key: value}`.
pub fn describe(taint: &Taint) -> String {
    format!("{{{}: {}}}", taint.key, taint.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
        }
    }

    fn toleration(
        key: &str,
        operator: Option<TolerationOperator>,
        value: &str,
        effect: Option<TaintEffectFilter>,
    ) -> Toleration {
        Toleration {
            key: key.into(),
            operator,
            value: value.into(),
            effect,
            toleration_seconds: None,
        }
    }

    #[test]
    fn toleration_rules() {
        let t = taint("dedicated", "gpu", TaintEffect::NoSchedule);
        assert!(tolerates(&toleration("dedicated", None, "gpu", None), &t));
        assert!(!tolerates(&toleration("dedicated", None, "", None), &t));
        assert!(tolerates(
            &toleration("dedicated", Some(TolerationOperator::Exists), "", None),
            &t
        ));
        assert!(tolerates(
            &toleration("", Some(TolerationOperator::Exists), "", None),
            &t
        ));
        assert!(!tolerates(&toleration("", None, "", None), &t));
        assert!(!tolerates(
            &toleration("dedicated", None, "gpu", Some(TaintEffectFilter::NoExecute)),
            &t
        ));
        assert!(tolerates(
            &toleration("dedicated", None, "gpu", Some(TaintEffectFilter::All)),
            &t
        ));
    }

    #[test]
    fn only_hard_effects_filter() {
        let taints = [
            taint("a", "", TaintEffect::PreferNoSchedule),
            taint("b", "", TaintEffect::NoExecute),
        ];
        assert_eq!(
            first_untolerated(&taints, &[]).map(|t| t.key.as_str()),
            Some("b")
        );
        assert_eq!(intolerable_prefer_no_schedule(&taints, &[]), 1);
        let no_schedule_only = toleration(
            "a",
            Some(TolerationOperator::Exists),
            "",
            Some(TaintEffectFilter::NoSchedule),
        );
        assert_eq!(
            intolerable_prefer_no_schedule(&taints, &[no_schedule_only]),
            1
        );
    }

    #[test]
    fn unschedulable() {
        assert!(tolerates_unschedulable(&[toleration(
            UNSCHEDULABLE_TAINT_KEY,
            None,
            "",
            Some(TaintEffectFilter::NoSchedule)
        )]));
        assert!(tolerates_unschedulable(&[toleration(
            "",
            Some(TolerationOperator::Exists),
            "",
            None
        )]));
        assert!(!tolerates_unschedulable(&[]));
    }
}
