package dev.vigil.scan.detect;

import static dev.vigil.scan.FindingType.SECRET;
import static dev.vigil.scan.Severity.CRITICAL;
import static dev.vigil.scan.Severity.HIGH;
import static dev.vigil.scan.Severity.LOW;
import static dev.vigil.scan.Severity.MEDIUM;

import dev.vigil.scan.Finding;
import dev.vigil.scan.Severity;
import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Credentials: provider token formats (the ones gitleaks and detect-secrets know), private key
 * blocks, JWTs, credentials inside URLs, and {@code password=}/{@code token:} style assignments
 * whose value looks like a real secret (entropy and character mix). Placeholder-shaped values
 * behind a known provider prefix are reported at LOW severity so policies can ignore them.
 */
public final class SecretDetector implements Detector {

  private static final Set<String> PLACEHOLDER_VALUES = Set.of(
      "password", "changeme", "change_me", "secret", "token", "null", "none", "true", "false",
      "undefined", "example", "xxxxxx", "******", "redacted", "<redacted>", "your_token", "your-token");

  private final AnchoredRuleSet rules = new AnchoredRuleSet(rules());

  @Override
  public void detect(String text, List<Finding> out) {
    rules.detect(text, out);
  }

  public int ruleCount() {
    return rules.rules().size();
  }

  static List<AnchoredRule> rules() {
    return List.of(
        // Cloud providers
        rule("aws-access-key", CRITICAL, "AWS access key id",
            "\\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\\b", "AKIA", "ASIA", "ABIA", "ACCA", "A3T").exactCase(),
        rule("aws-secret-key", CRITICAL, "AWS secret access key assigned to its setting",
            "(?i)(?:aws_?)?secret_?(?:access_?)?key[\"']?\\s*(?:=|:|=>)\\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])",
            "secret").group(1).lookBehind(8).window(80).startingAt(AnchoredRule.Start.AT_WORD_START),
        rule("aws-session-token", HIGH, "AWS session token assigned to its setting",
            "(?i)aws_?session_?token[\"']?\\s*(?:=|:)\\s*[\"']?([A-Za-z0-9/+=]{16,})", "session").group(1).lookBehind(8)
            .startingAt(AnchoredRule.Start.AT_WORD_START),
        rule("aws-session-token", HIGH, "AWS STS session token (FwoGZXIvYXdz / IQoJb3JpZ2lu prefix)",
            "(?:FwoGZXIvYXdz|IQoJb3JpZ2lu)[A-Za-z0-9/+=]{40,}", "FwoGZXIvYXdz", "IQoJb3JpZ2lu").exactCase(),
        rule("aws-bedrock-key", CRITICAL, "Amazon Bedrock API key", "\\bABSK[A-Za-z0-9+/]{100,}={0,2}", "ABSK").exactCase(),
        rule("gcp-api-key", CRITICAL, "Google API key", "\\bAIza[0-9A-Za-z_\\-]{35}(?![0-9A-Za-z_\\-])", "AIza").exactCase(),
        rule("gcp-service-account", HIGH, "Google service-account credential JSON",
            "\"type\"\\s*:\\s*\"service_account\"", "service_account").lookBehind(20).startingAt(AnchoredRule.Start.FIND),
        rule("gcp-oauth-token", HIGH, "Google OAuth access token", "\\bya29\\.[0-9A-Za-z_\\-]{20,}", "ya29."),
        rule("gcp-oauth-client-secret", HIGH, "Google OAuth client secret", "\\bGOCSPX-[A-Za-z0-9_\\-]{28}", "gocspx-"),
        rule("azure-storage-key", HIGH, "Azure storage/service-bus key in a connection string",
            "(?i)\\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/=]{20,})", "accountkey=", "sharedaccesskey=").group(1).lookBehind(16),
        rule("azure-sas-signature", HIGH, "Azure SAS token signature",
            "[?&]sig=([A-Za-z0-9%+/=]{30,})", "sig=").group(1).lookBehind(1).startingAt(AnchoredRule.Start.FIND),
        rule("digitalocean-token", CRITICAL, "DigitalOcean token", "\\bdo[opr]_v1_[a-f0-9]{64}\\b", "dop_v1_", "doo_v1_", "dor_v1_"),
        rule("alibaba-access-key", HIGH, "Alibaba Cloud AccessKey id", "\\bLTAI[A-Za-z0-9]{12,20}\\b", "ltai"),
        rule("hashicorp-vault-token", CRITICAL, "HashiCorp Vault token", "\\bhv[sb]\\.[A-Za-z0-9_\\-]{24,}", "hvs.", "hvb."),
        // Source forges and package registries
        rule("github-token", CRITICAL, "GitHub token", "\\bgh[pousr]_[A-Za-z0-9]{36,255}\\b", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        rule("github-fine-grained-pat", CRITICAL, "GitHub fine-grained personal access token",
            "\\bgithub_pat_[A-Za-z0-9_]{30,255}", "github_pat_"),
        rule("gitlab-token", CRITICAL, "GitLab token", "\\bgl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_\\-]{20,}",
            "glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "gloas-"),
        rule("npm-token", CRITICAL, "npm access token", "\\bnpm_[A-Za-z0-9]{36}\\b", "npm_"),
        rule("pypi-token", CRITICAL, "PyPI upload token", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}", "pypi-"),
        rule("rubygems-token", CRITICAL, "RubyGems API key", "\\brubygems_[a-f0-9]{48}\\b", "rubygems_"),
        rule("nuget-key", HIGH, "NuGet API key", "\\boy2[a-z0-9]{43}\\b", "oy2"),
        // SaaS and AI providers
        rule("anthropic-api-key", CRITICAL, "Anthropic API key",
            "\\bsk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_\\-]{20,}", "sk-ant-"),
        rule("openai-api-key", CRITICAL, "OpenAI API key",
            "\\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\\-]{20,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{32,})",
            "sk-"),
        rule("huggingface-token", CRITICAL, "Hugging Face access token", "\\bhf_[A-Za-z0-9]{34}\\b", "hf_"),
        rule("slack-token", CRITICAL, "Slack token", "\\bxox[abeoprs]-(?:[0-9]+-)*[0-9A-Za-z-]{10,}", "xox"),
        rule("slack-webhook", HIGH, "Slack incoming webhook URL",
            "https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9+/_]{20,}", "hooks.slack.com").lookBehind(8)
            .judge((value, base) -> isPlaceholder(value) ? null : base)
            .startingAt(AnchoredRule.Start.FIND),
        rule("stripe-live-key", CRITICAL, "Stripe live secret or restricted key", "\\b[rs]k_live_[0-9A-Za-z]{10,99}\\b",
            "sk_live_", "rk_live_"),
        rule("stripe-test-key", MEDIUM, "Stripe test-mode secret key", "\\b[rs]k_test_[0-9A-Za-z]{10,99}\\b",
            "sk_test_", "rk_test_"),
        rule("stripe-webhook-secret", HIGH, "Stripe webhook signing secret", "\\bwhsec_[A-Za-z0-9]{24,}", "whsec_"),
        rule("twilio-api-key", HIGH, "Twilio API key", "\\bSK[0-9a-fA-F]{32}\\b", "SK").boundary(Boundary.START).exactCase(),
        rule("twilio-account-sid", MEDIUM, "Twilio account SID", "\\bAC[0-9a-f]{32}\\b", "AC").boundary(Boundary.START).exactCase(),
        rule("sendgrid-api-key", CRITICAL, "SendGrid API key", "\\bSG\\.[A-Za-z0-9_\\-]{16,32}\\.[A-Za-z0-9_\\-]{30,50}",
            "SG.").boundary(Boundary.START).exactCase(),
        rule("mailgun-api-key", HIGH, "Mailgun API key", "\\bkey-[0-9a-zA-Z]{32}\\b", "key-").boundary(Boundary.START),
        rule("mailchimp-api-key", HIGH, "Mailchimp API key", "\\b[0-9a-f]{32}-us[0-9]{1,2}\\b", "-us").lookBehind(33)
            .precheck((text, start, end) -> start > 0 && Character.digit(text.charAt(start - 1), 16) >= 0)
            .startingAt(AnchoredRule.Start.FIND),
        rule("shopify-token", CRITICAL, "Shopify access token", "\\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\\b",
            "shpat_", "shpca_", "shppa_", "shpss_"),
        rule("databricks-token", CRITICAL, "Databricks access token", "\\bdapi[a-f0-9]{32}(?:-\\d)?\\b", "dapi"),
        rule("telegram-bot-token", HIGH, "Telegram bot token", "\\b[0-9]{8,10}:AA[0-9A-Za-z_\\-]{33}\\b", ":aa").lookBehind(11)
            .startingAt(AnchoredRule.Start.FIND),
        rule("square-token", CRITICAL, "Square access token or secret", "\\bsq0(?:atp|csp)-[0-9A-Za-z_\\-]{22,43}", "sq0"),
        rule("postman-api-key", HIGH, "Postman API key", "\\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\\b", "pmak-"),
        rule("linear-api-key", HIGH, "Linear API key", "\\blin_api_[A-Za-z0-9]{40}\\b", "lin_api_"),
        rule("doppler-token", HIGH, "Doppler token", "\\bdp\\.pt\\.[A-Za-z0-9]{43}\\b", "dp.pt."),
        rule("newrelic-key", HIGH, "New Relic user API key", "\\bNRAK-[A-Z0-9]{27}\\b", "nrak-"),
        rule("grafana-token", HIGH, "Grafana cloud or service-account token", "\\bgl(?:c|sa)_[A-Za-z0-9_+/=]{32,}", "glc_", "glsa_"),
        rule("age-secret-key", CRITICAL, "age encryption secret key", "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
            "age-secret-key-"),
        rule("facebook-access-token", HIGH, "Facebook access token", "\\bEAA[A-Za-z0-9]{90,}", "EAA").boundary(Boundary.START).exactCase(),
        rule("hubspot-private-app-token", HIGH, "HubSpot private app token",
            "\\bpat-(?:na|eu)1-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\\b", "pat-na1-", "pat-eu1-"),
        rule("azure-ad-client-secret", HIGH, "Azure AD (Entra ID) client secret",
            "(?<![A-Za-z0-9_~.])[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}(?![A-Za-z0-9_~.\\-])", "Q~").exactCase().lookBehind(4)
            .startingAt(AnchoredRule.Start.FIND),
        rule("atlassian-api-token", HIGH, "Atlassian API token", "\\bATATT3[A-Za-z0-9_\\-=]{150,}", "ATATT3").exactCase(),
        rule("bitbucket-app-password", HIGH, "Bitbucket app password", "\\bATBB[A-Za-z0-9]{32}", "ATBB").exactCase(),
        rule("dynatrace-token", HIGH, "Dynatrace API token", "\\bdt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}", "dt0c01."),
        rule("easypost-api-key", HIGH, "EasyPost API key", "\\bEZ[AT]K[A-Za-z0-9]{54}", "EZAK", "EZTK").exactCase(),
        rule("flutterwave-key", HIGH, "Flutterwave secret key", "\\bFLWSECK(?:_TEST)?-[a-h0-9]{32}-X", "FLWSECK").exactCase(),
        rule("frameio-token", HIGH, "Frame.io API token", "\\bfio-u-[A-Za-z0-9\\-_=]{64}", "fio-u-"),
        rule("heroku-api-key", HIGH, "Heroku API key (HRKU- format)", "\\bHRKU-AA[0-9A-Za-z_\\-]{58}", "HRKU-").exactCase(),
        rule("infracost-key", HIGH, "Infracost API key", "\\bico-[A-Za-z0-9]{32}\\b", "ico-"),
        rule("mailgun-key", HIGH, "Mailgun public validation key", "\\bpubkey-[a-f0-9]{32}\\b", "pubkey-"),
        rule("mapbox-secret-token", HIGH, "Mapbox secret access token", "\\bsk\\.eyJ[A-Za-z0-9_\\-]{40,}\\.[A-Za-z0-9_\\-]{20,}", "sk.eyJ").exactCase(),
        rule("newrelic-key", HIGH, "New Relic insert or browser key", "\\bNR(?:II-[A-Za-z0-9_\\-]{32}|JS-[a-f0-9]{19})\\b", "NRII-", "NRJS-").exactCase(),
        rule("okta-api-token", HIGH, "Okta API token next to its name",
            "(?i)okta[a-z_\\-]{0,20}[\"']?\\s*[:=]\\s*[\"']?(00[A-Za-z0-9_\\-]{40})(?![A-Za-z0-9_\\-])", "okta").group(1).window(60),
        rule("perplexity-api-key", CRITICAL, "Perplexity API key", "\\bpplx-[A-Za-z0-9]{48}\\b", "pplx-"),
        rule("planetscale-token", HIGH, "PlanetScale token or password", "\\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9=\\-_.]{32,64}", "pscale_"),
        rule("prefect-api-key", HIGH, "Prefect API key", "\\bpnu_[A-Za-z0-9]{36}\\b", "pnu_"),
        rule("pulumi-token", HIGH, "Pulumi access token", "\\bpul-[a-f0-9]{40}\\b", "pul-"),
        rule("readme-api-key", HIGH, "ReadMe API key", "\\brdme_[a-z0-9]{70}\\b", "rdme_"),
        rule("scalingo-token", HIGH, "Scalingo API token", "\\btk-us-[A-Za-z0-9_\\-]{48}", "tk-us-"),
        rule("brevo-api-key", HIGH, "Brevo (Sendinblue) API key", "\\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\\b", "xkeysib-"),
        rule("sentry-token", HIGH, "Sentry organisation or user auth token",
            "\\b(?:sntrys_eyJ[A-Za-z0-9+/=_\\-]{60,}|sntryu_[a-f0-9]{64})", "sntrys_", "sntryu_"),
        rule("shippo-api-token", HIGH, "Shippo API token", "\\bshippo_(?:live|test)_[a-fA-F0-9]{40}\\b", "shippo_"),
        rule("typeform-token", HIGH, "Typeform personal access token", "\\btfp_[A-Za-z0-9\\-_.=]{59}", "tfp_"),
        rule("terraform-cloud-token", HIGH, "Terraform Cloud / Enterprise API token",
            "\\b[a-z0-9]{14}\\.atlasv1\\.[a-z0-9\\-_=]{60,70}", "atlasv1").lookBehind(15).startingAt(AnchoredRule.Start.FIND),
        rule("onepassword-token", HIGH, "1Password service-account token", "\\bops_eyJ[A-Za-z0-9+/=]{250,}", "ops_eyJ").exactCase(),
        rule("groq-api-key", CRITICAL, "Groq API key", "\\bgsk_[A-Za-z0-9]{52}\\b", "gsk_"),
        rule("xai-api-key", CRITICAL, "xAI API key", "\\bxai-[A-Za-z0-9]{80}\\b", "xai-"),
        rule("notion-token", HIGH, "Notion integration token", "\\b(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})\\b", "ntn_", "secret_"),
        rule("replicate-api-token", HIGH, "Replicate API token", "\\br8_[A-Za-z0-9]{37}\\b", "r8_"),
        rule("flyio-token", HIGH, "Fly.io access token", "\\b(?:fo1_[A-Za-z0-9_\\-]{43}|FlyV1 fm[12][a-z]?_[A-Za-z0-9+/=_\\-]{100,})", "fo1_", "FlyV1 fm"),
        rule("render-api-key", HIGH, "Render API key", "\\brnd_[A-Za-z0-9]{32}\\b", "rnd_"),
        rule("supabase-token", HIGH, "Supabase access token or secret key", "\\b(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_\\-]{31,})",
            "sbp_", "sb_secret_"),
        rule("langsmith-api-key", HIGH, "LangSmith API key", "\\blsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}\\b", "lsv2_"),
        rule("pinecone-api-key", HIGH, "Pinecone API key", "\\bpcsk_[A-Za-z0-9_]{40,}", "pcsk_"),
        rule("tailscale-key", HIGH, "Tailscale auth or API key", "\\btskey-(?:api|auth|client|webhook|scim)?-?[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}", "tskey-"),
        rule("huggingface-org-token", HIGH, "Hugging Face organisation API token", "\\bapi_org_[A-Za-z0-9]{34}\\b", "api_org_"),
        rule("cloudflare-origin-ca-key", HIGH, "Cloudflare origin CA key", "\\bv1\\.0-[a-f0-9]{24}-[a-f0-9]{146}", "v1.0-"),
        rule("resend-api-key", HIGH, "Resend API key", "\\bre_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}\\b", "re_"),
        rule("clojars-token", HIGH, "Clojars deploy token", "\\bCLOJARS_[a-z0-9]{60}\\b", "CLOJARS_").exactCase(),
        rule("contentful-token", HIGH, "Contentful personal access token", "\\bCFPAT-[A-Za-z0-9_\\-]{43}", "CFPAT-").exactCase(),
        rule("duffel-token", HIGH, "Duffel API token", "\\bduffel_(?:test|live)_[A-Za-z0-9_\\-=]{43}", "duffel_"),
        rule("adobe-client-secret", HIGH, "Adobe client secret", "\\bp8e-[A-Za-z0-9]{32}\\b", "p8e-"),
        rule("airtable-token", HIGH, "Airtable personal access token", "\\bpat[A-Za-z0-9]{14}\\.[a-f0-9]{64}\\b", "pat")
            .boundary(Boundary.START).precheck((text, start, end) -> end + 15 < text.length() && text.charAt(end + 14) == '.'),
        rule("octopus-deploy-key", HIGH, "Octopus Deploy API key", "\\bAPI-[A-Z0-9]{26}\\b", "API-").exactCase(),
        rule("square-access-token", HIGH, "Square production access token", "\\bEAAA[A-Za-z0-9_\\-]{60}\\b", "EAAA").exactCase(),
        rule("docker-config-auth", HIGH, "registry credentials in a Docker config.json",
            "\"auth\"\\s*:\\s*\"([A-Za-z0-9+/]{12,}={0,2})\"", "\"auth\"").group(1).window(400),
        rule("kubernetes-secret", HIGH, "value in the data of a Kubernetes Secret manifest",
            "(?s)kind:\\s*[\"']?Secret[\"']?\\b.{0,400}?\\b(?:data|stringData):\\s+[\"']?[A-Za-z0-9_.\\-]+[\"']?:\\s*[\"']?([A-Za-z0-9+/=_.\\-]{8,})",
            "kind: secret", "kind: \"secret\"", "kind: 'secret'").group(1).window(600).judge((value, base) -> isPlaceholder(value) ? null : base),
        // Structural secrets
        rule("private-key", CRITICAL, "PEM private key block",
            "-----BEGIN[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]{0,12000}?-----END[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----)?",
            "-----begin").window(12100),
        rule("private-key-fragment", HIGH, "line of a PEM private key (end marker or encryption header)",
            "(?:-----END[ A-Z0-9]{0,20}PRIVATE KEY(?: BLOCK)?-----|Proc-Type: 4,ENCRYPTED|DEK-Info: [A-Z0-9\\-]+,[0-9A-Fa-f]{16,})",
            "-----end", "proc-type: 4,encrypted", "dek-info:"),
        rule("private-key-body", CRITICAL, "base64 body of a private key (PKCS#1 RSA, SEC1 EC or OpenSSH)",
            "(?:\\bMII[A-Za-z0-9+/]{1,3}IBAAK|\\bMH[QcG]CAQEE|b3BlbnNzaC1rZXktdjE)[A-Za-z0-9+/=]{8,}",
            "IBAAK", "CAQEE", "b3BlbnNzaC1rZXktdjE").exactCase().lookBehind(8).startingAt(AnchoredRule.Start.FIND),
        rule("base64-pem", HIGH, "base64-encoded PEM block", "\\bLS0tLS1CRUdJTi[A-Za-z0-9+/=]{8,}", "LS0tLS1CRUdJTi").exactCase(),
        rule("jdbc-oracle-password", HIGH, "password in an Oracle JDBC URL",
            "jdbc:oracle:thin:[^/\\s@]+/([^@\\s]+)@", "jdbc:oracle:thin:").group(1),
        rule("sentry-dsn", MEDIUM, "Sentry DSN with its key", "https://[a-f0-9]{32}@o?[0-9]*\\.?ingest\\.[a-z.]*sentry\\.io/[0-9]+",
            "sentry.io").lookBehind(90).startingAt(AnchoredRule.Start.FIND),
        rule("putty-private-key", CRITICAL, "PuTTY private key file", "PuTTY-User-Key-File-\\d", "putty-user-key-file-"),
        rule("jwt", HIGH, "JSON Web Token", "\\beyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]*", "eyJ")
            .boundary(Boundary.START).window(4000).exactCase(),
        rule("url-credentials", HIGH, "password embedded in a URL",
            "\\b[a-zA-Z][a-zA-Z0-9+.\\-]{1,20}://[^\\s:/@'\"]*:([^\\s/'\"]{3,}?)@(?=[A-Za-z0-9.\\-]+)", "://")
            .group(1).lookBehind(24).window(160).judge(SecretDetector::judgeUrlPassword)
            .precheck(SecretDetector::atSignBeforeWhitespace).startingAt(AnchoredRule.Start.AT_WORD_START),
        rule("bearer-token", HIGH, "bearer token in an Authorization header",
            "(?i)\\bbearer\\s+([A-Za-z0-9._~+/=\\-]{16,})", "bearer").group(1).judge(SecretDetector::judgeAssignedValue),
        rule("basic-auth-header", HIGH, "basic-auth credentials in an Authorization header",
            "(?i)\\bauthorization\\s*:\\s*basic\\s+([A-Za-z0-9+/=]{8,})", "basic").group(1).lookBehind(24)
            .startingAt(AnchoredRule.Start.FIND),
        rule("secret-assignment", HIGH, "secret-looking value assigned to a password/token/key setting",
            "(?i)(?<![a-z0-9_.\\-])[a-z0-9_.\\-]*(?:passw(?:or)?d|passwd|pwd|passphrase|pass(?![a-z])|secret|token|api[_\\-]?key|apikey|access[_\\-]?key"
                + "|auth[_\\-]?key|signing[_\\-]?key|private[_\\-]?key|client[_\\-]?secret|credentials?)[a-z0-9_.\\-]*[\"']?"
                + "\\s*(?:=|:=|=>|:)\\s*[\"'`]?([^\\s'\"`,;<>(){}\\[\\]]{6,200})",
            "pass", "pwd", "secret", "token", "key", "credential")
            .group(1).lookBehind(40).window(240).judge(SecretDetector::judgeAssignedValue)
            .precheck(SecretDetector::assignmentFollows).startingAt(AnchoredRule.Start.AT_WORD_START),
        rule("high-entropy-string", HIGH, "high-entropy string next to a credential keyword",
            "(?i)(?:key|secret|token|passw|credential|auth)[^\\n]{0,40}?(?<![A-Za-z0-9+/=_\\-])([A-Za-z0-9+/=_\\-]{20,})",
            "key", "secret", "token", "passw", "credential", "auth")
            .group(1).window(300).judge(SecretDetector::judgeHighEntropy)
            .precheck((text, start, end) -> longTokenFollows(text, end, 40 + 20, 20)),
        rule("credential-prefix", LOW, "known credential prefix with a placeholder-like body",
            "\\b(?:[sr]k_(?:live|test)|pk_live|gh[pousr]|github_pat|glpat|xox[abeoprs]|npm|pypi|hf|do[opr]_v1|shpat|hvs|whsec"
                + "|GOCSPX|ya29|AIza[A-Za-z]{0,2}|sk-proj|sk-ant|SG|LTAI|rubygems|gsk|pplx|sbp|fo1|pnu|pcsk|lsv2|tskey|HRKU|sntrys|ATATT3"
                + "|CFPAT|pat-na1|pat-eu1|dp\\.pt|glc|glsa|NRAK|PMAK|shpat|dapi)[_.\\-][A-Za-z0-9_.\\-]{6,}",
            "sk_", "rk_", "pk_live", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat", "glpat", "xox", "npm_", "pypi-",
            "hf_", "dop_v1", "doo_v1", "dor_v1", "shpat", "hvs.", "whsec", "gocspx",
            "ya29", "aiza", "sk-", "sg.", "ltai", "rubygems_", "gsk_", "pplx-", "sbp_", "fo1_", "pnu_", "pcsk_", "lsv2_", "tskey-",
            "hrku-", "sntrys_", "atatt3", "cfpat-", "pat-na1-", "pat-eu1-", "dp.pt.", "glc_", "glsa_", "nrak-", "pmak-", "shpat_", "dapi")
            .boundary(Boundary.START).judge(SecretDetector::judgePrefixBody));
  }

  private static AnchoredRule rule(String detector, Severity severity, String reason, String regex, String... anchors) {
    // Most provider formats begin with their anchor, so one lookingAt() from it is enough.
    return AnchoredRule.of(SECRET, detector, severity, reason, regex, anchors).startingAt(AnchoredRule.Start.AT_ANCHOR);
  }

  /** After the keyword's word ends: optional quote and spaces, then {@code =} or {@code :}. */
  static boolean assignmentFollows(String text, int start, int end) {
    int i = end;
    int limit = Math.min(text.length(), end + 40);
    while (i < limit && isNameChar(text.charAt(i))) {
      i++;
    }
    int spaces = 0;
    while (i < text.length() && (text.charAt(i) == '"' || text.charAt(i) == '\'' || text.charAt(i) == ' ') && spaces++ < 4) {
      i++;
    }
    return i < text.length() && (text.charAt(i) == '=' || text.charAt(i) == ':');
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
  }

  /** Whether a run of at least {@code minRun} token chars starts within {@code reach} chars after {@code from}. */
  static boolean longTokenFollows(String text, int from, int reach, int minRun) {
    int limit = Math.min(text.length(), from + reach + minRun);
    int run = 0;
    for (int i = from; i < limit; i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-') {
        if (++run >= minRun) {
          return true;
        }
      } else if (c == '\n') {
        return false;
      } else {
        run = 0;
      }
    }
    return false;
  }

  static boolean atSignBeforeWhitespace(String text, int start, int end) {
    int limit = Math.min(text.length(), end + 160);
    for (int i = end; i < limit; i++) {
      char c = text.charAt(i);
      if (c == '@') {
        return true;
      }
      if (Character.isWhitespace(c)) {
        return false;
      }
    }
    return false;
  }

  /** Template values ("your_api_key_here", "XXXX", "&lt;token&gt;") name a secret without being one. */
  static boolean isPlaceholder(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return PLACEHOLDER_VALUES.contains(lower) || lower.contains("your_") || lower.contains("your-") || lower.contains("_here")
        || lower.contains("-here") || lower.contains("xxxx") || lower.contains("placeholder") || lower.contains("changeme")
        || lower.contains("dummy") || lower.startsWith("<") || lower.startsWith("{");
  }

  /** {@code secrets.token_hex}, {@code os.environ}: a dotted identifier is code reading a secret, not a secret. */
  private static final java.util.regex.Pattern DOTTED_IDENTIFIER =
      java.util.regex.Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+");

  /** {@code SECRET_MANAGER_ROTATION_INTERVAL}, {@code CLIENT_SECRET}: upper-case names are placeholders or constants, not values. */
  private static final java.util.regex.Pattern CONSTANT_NAME = java.util.regex.Pattern.compile("[A-Z][A-Z0-9]*(?:[_\\-‐][A-Z0-9]*)+|[A-Z]{2,}");

  static Severity judgeAssignedValue(String value, Severity base) {
    if (CONSTANT_NAME.matcher(value).matches() && !value.chars().anyMatch(Character::isDigit)) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (isPlaceholder(value) || DOTTED_IDENTIFIER.matcher(value).matches() || lower.startsWith("$") || lower.startsWith("%") || lower.startsWith("{{")
        || lower.startsWith("/") || lower.startsWith("~") || lower.startsWith("./") || lower.startsWith("http")
        || lower.chars().allMatch(c -> c == '*' || c == 'x' || c == '.')) {
      return null;
    }
    boolean letters = false;
    boolean others = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isLetter(c)) {
        letters = true;
      } else {
        others = true;
      }
    }
    double entropy = Entropy.shannon(value);
    if (value.length() >= 16 && entropy >= 3.5) {
      return base;
    }
    // Plain words after "password:" are usually prose ("password: forgotten"); require a digit or symbol.
    if (!letters || !others) {
      return null;
    }
    return MEDIUM;
  }

  /**
   * Template references ({@code ${DB_PASSWORD}}, {@code <password>}) and masks ({@code ***}) are not
   * credentials; a placeholder word ({@code user:password@host}) still is one as written, so it is
   * reported at LOW (detect-secrets' basic-auth plugin reports it too).
   */
  static Severity judgeUrlPassword(String value, Severity base) {
    if (value.startsWith("$") || value.startsWith("{") || value.startsWith("<") || value.startsWith("%") || value.chars().allMatch(c -> c == '*')) {
      return null;
    }
    return isPlaceholder(value) ? LOW : base;
  }

  /** The body after a provider prefix must look like a filled-in value, not prose ("sk-learn", "glc_overview"). */
  static Severity judgePrefixBody(String value, Severity base) {
    int letters = 0;
    int upperOrDigit = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      letters += Character.isLetter(c) ? 1 : 0;
      upperOrDigit += Character.isUpperCase(c) || Character.isDigit(c) ? 1 : 0;
    }
    return upperOrDigit >= 2 || letters == 0 ? base : null;
  }

  static Severity judgeHighEntropy(String value, Severity base) {
    // Publishable keys are public by design; placeholders are not secrets.
    if (value.startsWith("pk_test_") || value.startsWith("pk_live_") || isPlaceholder(value)) {
      return null;
    }
    boolean digit = false;
    boolean letter = false;
    boolean hexOnly = true;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      digit |= Character.isDigit(c);
      letter |= Character.isLetter(c);
      hexOnly &= Character.digit(c, 16) >= 0;
    }
    if (!digit || !letter || (!hexOnly && TokenDetector.wordSegments(value, 0, value.length()) * 5 >= value.length() * 2)) {
      return null; // "--digest-algorithm=sha256", "EVP_PKEY_CTX_set1_id": words joined by separators
    }
    double entropy = Entropy.shannon(value);
    double threshold = hexOnly ? 3.0 : 3.7;
    return entropy >= threshold ? base : null;
  }
}
