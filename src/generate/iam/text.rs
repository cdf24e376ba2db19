//! Strings of the IAM model whose value is only known where they are deployed: the partition
//! and account (ARNs) and, for EKS, the cluster's issuer. CloudFormation writes them as
//! `Fn::Sub` over `AWS::Partition`, `AWS::AccountId` and a parameter; Terraform as
//! interpolations of its `aws_partition` and `aws_caller_identity` data sources and a
//! variable. One [`Text`] renders to both, so neither format ever holds a literal partition.

use crate::naming::Arn;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Lit(String),
    /// The partition the template or configuration is deployed in (`aws`, `aws-cn`, …).
    Partition,
    /// The account it is deployed in.
    Account,
    /// The cluster's service-account issuer (host and path), known only after the cluster
    /// exists (EKS).
    Issuer,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub Vec<Piece>);

impl Text {
    pub fn lit(text: impl Into<String>) -> Self {
        Text(vec![Piece::Lit(text.into())])
    }

    /// An ARN, its partition and account left to the deployment.
    pub fn arn(arn: &Arn) -> Self {
        let mut t = Text::lit("arn:");
        t.push(Piece::Partition);
        t.push_lit(&format!(":{}:{}:", arn.service, arn.region));
        if arn.in_account {
            t.push(Piece::Account);
        }
        t.push_lit(&format!(":{}", arn.resource));
        t
    }

    pub fn push_lit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Piece::Lit(last)) = self.0.last_mut() {
            last.push_str(text);
        } else {
            self.0.push(Piece::Lit(text.to_string()));
        }
    }

    pub fn push(&mut self, piece: Piece) {
        match piece {
            Piece::Lit(text) => self.push_lit(&text),
            other => self.0.push(other),
        }
    }

    /// This text followed by `more`.
    pub fn then(mut self, more: Text) -> Self {
        for piece in more.0 {
            self.push(piece);
        }
        self
    }

    /// The text when it has no deployment-time piece.
    pub fn literal(&self) -> Option<&str> {
        match self.0.as_slice() {
            [] => Some(""),
            [Piece::Lit(s)] => Some(s),
            _ => None,
        }
    }

    pub fn has_issuer(&self) -> bool {
        self.0.contains(&Piece::Issuer)
    }

    /// The text with each piece written by `f`: literal text as is.
    pub fn render(&self, mut f: impl FnMut(&Piece) -> String) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Piece::Lit(s) => s.clone(),
                other => f(other),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::naming;

    #[test]
    fn arns_leave_partition_and_account_open() {
        let t = Text::arn(&naming::policy_arn_of("p"));
        assert_eq!(
            t.0,
            [
                Piece::Lit("arn:".into()),
                Piece::Partition,
                Piece::Lit(":iam::".into()),
                Piece::Account,
                Piece::Lit(":policy/p".into()),
            ]
        );
        let zone = Text::arn(&naming::hosted_zone_arn("Z1"));
        assert_eq!(
            zone.render(|_| "aws-cn".into()),
            "arn:aws-cn:route53:::hostedzone/Z1"
        );
        assert_eq!(Text::lit("*").literal(), Some("*"));
        assert_eq!(zone.literal(), None);
    }
}
