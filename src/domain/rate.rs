//! Billing rates. The most specific rate wins:
//! user default < project < category on project < user on project.
//! Cost rates are internal and live on the user.

use serde::{Deserialize, Serialize};

use super::{CategoryId, UserId};

/// Overrides set on one project, in minor units per hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectRates {
    pub by_category: Vec<(CategoryId, i64)>,
    pub by_user: Vec<(UserId, i64)>,
}

/// Every rate that could apply to one entry.
#[derive(Debug, Clone, Copy, Default)]
pub struct RateSources {
    pub user_default: Option<i64>,
    pub project: Option<i64>,
    pub category_on_project: Option<i64>,
    pub user_on_project: Option<i64>,
}

impl RateSources {
    pub fn gather(
        user_default: Option<i64>,
        project: Option<i64>,
        overrides: &ProjectRates,
        category: CategoryId,
        user: UserId,
    ) -> Self {
        let find = |list: &[(_, i64)], key| list.iter().find(|(k, _)| *k == key).map(|(_, r)| *r);
        RateSources {
            user_default,
            project,
            category_on_project: find(&overrides.by_category, category),
            user_on_project: overrides
                .by_user
                .iter()
                .find(|(u, _)| *u == user)
                .map(|(_, r)| *r),
        }
    }

    pub fn resolve(self) -> Option<i64> {
        self.user_on_project
            .or(self.category_on_project)
            .or(self.project)
            .or(self.user_default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_rate_wins() {
        let overrides = ProjectRates {
            by_category: vec![(CategoryId(2), 15_000)],
            by_user: vec![(UserId(7), 20_000)],
        };
        let rate = |user, category| {
            RateSources::gather(
                Some(8_000),
                Some(12_000),
                &overrides,
                CategoryId(category),
                UserId(user),
            )
            .resolve()
        };
        assert_eq!(rate(1, 1), Some(12_000));
        assert_eq!(rate(1, 2), Some(15_000));
        assert_eq!(rate(7, 2), Some(20_000));
        let bare = RateSources::gather(
            Some(8_000),
            None,
            &ProjectRates::default(),
            CategoryId(1),
            UserId(1),
        );
        assert_eq!(bare.resolve(), Some(8_000));
        assert_eq!(RateSources::default().resolve(), None);
    }
}
