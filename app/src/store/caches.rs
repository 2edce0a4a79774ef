//! What the device keeps of the server's data so screens work offline: the session,
//! customers and their files, tasks, tickets, scripts and surveys, settings; and the drafts,
//! which only the device has.

use chrono::{DateTime, Utc};
use huifang_domain::script::Script;
use huifang_domain::survey::Survey;
use huifang_domain::task::{TaskStatus, VisitTask};
use huifang_domain::ticket::Ticket;
use huifang_domain::{Customer, CustomerFile, Settings, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Backend, LocalStore, StoreError, keys};

/// A login kept on the device so the app opens and works with no network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
    /// Logged in with a one-time password: the set-your-password screen comes first, and
    /// nothing syncs until it is changed. Absent from sessions kept before it existed.
    #[serde(default)]
    pub must_change_password: bool,
}

/// A customer file as last read from the server, kept so it opens offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedFile {
    pub file: CustomerFile,
    pub at: DateTime<Utc>,
}

impl<B: Backend> LocalStore<B> {
    pub fn session(&self) -> Option<Session> {
        self.get(keys::SESSION)
    }

    /// Keeps the server's copy of each ticket (the newest version wins).
    pub fn put_tickets(&self, tickets: &[Ticket]) -> Result<(), StoreError> {
        for t in tickets {
            if self
                .get::<Ticket>(&keys::ticket(t.id))
                .is_none_or(|old| old.version <= t.version)
            {
                self.put(&keys::ticket(t.id), t)?;
            }
        }
        Ok(())
    }

    pub fn tickets(&self) -> Vec<Ticket> {
        self.all_under(keys::TICKET)
    }

    pub fn ticket(&self, id: Uuid) -> Option<Ticket> {
        self.get(&keys::ticket(id))
    }

    pub fn put_customers(&self, customers: &[Customer]) -> Result<(), StoreError> {
        customers
            .iter()
            .try_for_each(|c| self.put(&keys::customer(c.id), c))
    }

    /// Cached customers, most important class first, then by name.
    pub fn customers(&self) -> Vec<Customer> {
        let mut list: Vec<Customer> = self
            .names_under(keys::CUSTOMER)
            .iter()
            .filter_map(|n| self.get(n))
            .collect();
        crate::sorting::sort_by(&mut list, |a, b| {
            (a.class.as_str(), !a.vip, &a.name).cmp(&(b.class.as_str(), !b.vip, &b.name))
        });
        list
    }

    pub fn customer(&self, id: Uuid) -> Option<Customer> {
        self.get(&keys::customer(id))
    }

    /// Forgets what belongs to the logged-in user's view of the server (customer files are
    /// confidential, tasks and drafts are theirs), but never a queued or rejected record.
    pub fn forget_user_data(&self) {
        for prefix in [
            keys::CUSTOMER,
            keys::FILE,
            keys::TASK,
            keys::DRAFT,
            keys::TICKET,
        ] {
            for name in self.names_under(prefix) {
                self.remove(&name);
            }
        }
        for name in [
            keys::SESSION,
            keys::CURSOR,
            keys::PULL_SNAPSHOT,
            keys::LAST_SYNC,
            keys::SETTINGS,
            keys::USERS,
            keys::TICKET_RULES,
        ] {
            self.remove(name);
        }
    }

    /// Keeps open tasks; a task the server closed leaves the device (a pull sends its id in
    /// `dropped`; an older server sent it closed).
    pub fn put_tasks(&self, tasks: &[VisitTask]) -> Result<(), StoreError> {
        for t in tasks {
            if t.status == TaskStatus::Open {
                self.put(&keys::task(t.id), t)?;
            } else {
                self.remove(&keys::task(t.id));
            }
        }
        Ok(())
    }

    pub fn tasks(&self) -> Vec<VisitTask> {
        let mut tasks: Vec<VisitTask> = self.all_under(keys::TASK);
        crate::sorting::sort_by_key(&mut tasks, |t| (t.due_until, t.priority, t.id));
        tasks
    }

    pub fn task(&self, id: Uuid) -> Option<VisitTask> {
        self.get(&keys::task(id))
    }

    /// A visit for the task was saved: it leaves the lists now, before the server confirms.
    pub fn finish_task(&self, id: Uuid) -> Result<(), StoreError> {
        match self.task(id) {
            Some(mut t) => {
                t.status = TaskStatus::Done;
                self.put(&keys::task(id), &t)
            }
            None => Ok(()),
        }
    }

    /// Only the newest version of each script and survey is kept: new visits follow it.
    pub fn put_catalog(&self, scripts: &[Script], surveys: &[Survey]) -> Result<(), StoreError> {
        for s in scripts {
            if self
                .get::<Script>(&keys::script(s.id))
                .is_none_or(|old| old.version <= s.version)
            {
                self.put(&keys::script(s.id), s)?;
            }
        }
        for s in surveys {
            if self
                .get::<Survey>(&keys::survey(s.id))
                .is_none_or(|old| old.version <= s.version)
            {
                self.put(&keys::survey(s.id), s)?;
            }
        }
        Ok(())
    }

    pub fn scripts(&self) -> Vec<Script> {
        self.all_under(keys::SCRIPT)
    }

    pub fn surveys(&self) -> Vec<Survey> {
        self.all_under(keys::SURVEY)
    }

    pub fn settings(&self) -> Option<Settings> {
        self.get(keys::SETTINGS)
    }

    pub fn put_file(&self, file: CustomerFile, at: DateTime<Utc>) -> Result<(), StoreError> {
        let id = file.customer.id;
        self.put(&keys::file(id), &CachedFile { file, at })
    }

    pub fn file(&self, customer: Uuid) -> Option<CachedFile> {
        self.get(&keys::file(customer))
    }

    pub fn put_draft(&self, draft: &crate::visits::form::Draft) -> Result<(), StoreError> {
        self.put(&keys::draft(draft.id), draft)
    }

    pub fn draft(&self, id: Uuid) -> Option<crate::visits::form::Draft> {
        self.get(&keys::draft(id))
    }

    pub fn remove_draft(&self, id: Uuid) {
        self.remove(&keys::draft(id));
    }

    /// Drafts, the most recently touched first.
    pub fn drafts(&self) -> Vec<crate::visits::form::Draft> {
        self.newest_drafts(usize::MAX)
    }

    /// The `n` most recently touched drafts: only those are read.
    pub fn newest_drafts(&self, n: usize) -> Vec<crate::visits::form::Draft> {
        let mut order: Vec<_> = self.with_index(|ix| {
            ix.drafts
                .iter()
                .map(|(id, at)| (std::cmp::Reverse(*at), *id))
                .collect()
        });
        crate::sorting::sort(&mut order);
        order
            .into_iter()
            .take(n)
            .filter_map(|(_, id)| self.draft(id))
            .collect()
    }

    pub fn draft_count(&self) -> usize {
        self.with_index(|ix| ix.drafts.len())
    }
}
