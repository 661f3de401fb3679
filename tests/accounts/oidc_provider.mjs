// A real OpenID Connect provider for the sign-on tests: the certified `oidc-provider` package from the npm
// registry, on loopback. Usage: node oidc_provider.mjs PORT REDIRECT_URI [CLIENT_PUBLIC_JWK]. Any login name is
// accepted on its development sign-in page and becomes the person's verified email address, as GOV.UK One Login
// or the council's Entra ID would vouch for it. With a client's public key (a JSON JWK), the client proves who it
// is with `private_key_jwt`, as GOV.UK One Login asks; without one, with a client secret.
import Provider from "oidc-provider";

const [port, redirectUri, clientPublicJwk] = process.argv.slice(2);

const clientAuth = clientPublicJwk
  ? { token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [JSON.parse(clientPublicJwk)] } }
  : { token_endpoint_auth_method: "client_secret_post", client_secret: "send-casework-test-secret" };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "send-casework",
      redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      ...clientAuth,
    },
  ],
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, email: id, email_verified: true }; } };
  },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  // GOV.UK One Login's own request parameter: the level of confidence asked for.
  extraParams: ["vtr"],
  pkce: { required: () => false },
});
provider.proxy = false;

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`listening on ${port}`);
});
