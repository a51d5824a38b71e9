"""
Test-only loopback stand-in for the parts of a Supabase project that revideo's
Supabase adapter uses: PostgREST (`/rest/v1`), Auth (`/auth/v1`) and Storage
(`/storage/v1`), behind one base URL, over the test PostgreSQL with the real
migrations and RLS policies. Each data or storage request runs the way
PostgREST and Storage run it: one transaction as `authenticator`, with
`set_config('role')` and `request.jwt.claims` from the verified JWT.
"""
