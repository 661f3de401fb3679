// A real OpenID Connect provider for the sign-on tests: the certified `oidc-provider` package from the npm
// registry, on loopback. Usage: node oidc_provider.mjs PORT REDIRECT_URI. Any login name is accepted on its
// development sign-in page and becomes the person's verified email address, as GOV.UK One Login or the
// council's Entra ID would vouch for it.
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "send-casework",
      client_secret: "send-casework-test-secret",
      redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, email: id, email_verified: true }; } };
  },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  pkce: { required: () => false },
});
provider.proxy = false;

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`listening on ${port}`);
});
