-- Storage: two public-read buckets. A signed-in user writes only under the
-- top-level folder named by their own user id ('<uid>/<file>'); the service
-- role (BYPASSRLS) writes archived renders anywhere.
INSERT INTO storage.buckets (id, name, public)
VALUES ('property-images', 'property-images', true),
       ('generated-videos', 'generated-videos', true)
ON CONFLICT (id) DO NOTHING;

CREATE POLICY revideo_media_public_read ON storage.objects
  FOR SELECT TO public
  USING (bucket_id IN ('property-images', 'generated-videos'));
CREATE POLICY revideo_media_owner_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id IN ('property-images', 'generated-videos')
              AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
CREATE POLICY revideo_media_owner_update ON storage.objects
  FOR UPDATE TO authenticated
  USING (bucket_id IN ('property-images', 'generated-videos')
         AND (storage.foldername(name))[1] = (SELECT auth.uid())::text)
  WITH CHECK (bucket_id IN ('property-images', 'generated-videos')
              AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
CREATE POLICY revideo_media_owner_delete ON storage.objects
  FOR DELETE TO authenticated
  USING (bucket_id IN ('property-images', 'generated-videos')
         AND (storage.foldername(name))[1] = (SELECT auth.uid())::text);
