/*
 * LD_PRELOAD shim that makes OpenSMTPD 6.8.0p2 (Debian 12) do TLS with
 * OpenSSL 3. Loaded by servers.sh into the test smtpd only.
 *
 * Why: smtpd keeps the private key in a separate process and gives TLS a
 * public-only key whose RSA/EC object carries, as ex_data, the hash used to
 * ask that process to sign. With OpenSSL 3, EVP_PKEY_get1_RSA() returns a
 * cached legacy copy of the key, so the ex_data lands on the copy and every
 * handshake fails with "missing private key" / "EVP lib" (upstream
 * OpenSMTPD issue #1171, fixed by PR #1208 in 7.x, never in Debian 12).
 * The upstream fix re-assigns the edited copy to the EVP_PKEY; this does
 * the same just before smtpd installs the key.
 *
 * No OpenSSL headers (libssl-dev is not a dependency): the types are opaque
 * and the few functions are declared by hand, ABI of libcrypto.so.3.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct rsa_st RSA;
typedef struct ec_key_st EC_KEY;

extern int EVP_PKEY_get_base_id(const EVP_PKEY *pkey);
extern RSA *EVP_PKEY_get1_RSA(EVP_PKEY *pkey);
extern int EVP_PKEY_set1_RSA(EVP_PKEY *pkey, RSA *key);
extern void RSA_free(RSA *rsa);
extern EC_KEY *EVP_PKEY_get1_EC_KEY(EVP_PKEY *pkey);
extern int EVP_PKEY_set1_EC_KEY(EVP_PKEY *pkey, EC_KEY *key);
extern void EC_KEY_free(EC_KEY *key);

enum { kPkeyRsa = 6 /* NID_rsaEncryption */, kPkeyEc = 408 /* NID_X9_62_id_ecPublicKey */ };

int SSL_CTX_use_PrivateKey(SSL_CTX *ctx, EVP_PKEY *pkey) {
  static int (*real)(SSL_CTX *, EVP_PKEY *);
  if (real == NULL) {
    real = (int (*)(SSL_CTX *, EVP_PKEY *))dlsym(RTLD_NEXT,
                                                 "SSL_CTX_use_PrivateKey");
    if (real == NULL) return 0;
  }
  if (pkey != NULL) {
    int id = EVP_PKEY_get_base_id(pkey);
    if (id == kPkeyRsa) {
      RSA *rsa = EVP_PKEY_get1_RSA(pkey);
      if (rsa != NULL) {
        EVP_PKEY_set1_RSA(pkey, rsa);
        RSA_free(rsa);
      }
    } else if (id == kPkeyEc) {
      EC_KEY *ec = EVP_PKEY_get1_EC_KEY(pkey);
      if (ec != NULL) {
        EVP_PKEY_set1_EC_KEY(pkey, ec);
        EC_KEY_free(ec);
      }
    }
  }
  return real(ctx, pkey);
}
